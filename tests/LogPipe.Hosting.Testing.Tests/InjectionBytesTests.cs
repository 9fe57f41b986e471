using LogPipe.Hosting.Tests.Formats;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Testing.Tests;

/// <summary>Injection writes the bytes the wire-format tests expect of django-logpipe, in each format, with and without a producer.</summary>
public sealed class InjectionBytesTests
{
    public static TheoryData<string, string?, string> Cases => new()
    {
        { "json", null, nameof(DjangoPersonRecords.Json) },
        { "json", "people-api", nameof(DjangoPersonRecords.JsonWithProducer) },
        { "msgpack", null, nameof(DjangoPersonRecords.Msgpack) },
        { "msgpack", "people-api", nameof(DjangoPersonRecords.MsgpackWithProducer) },
    };

    private static byte[] Expected(string name) => name switch
    {
        nameof(DjangoPersonRecords.Json) => DjangoPersonRecords.Json(),
        nameof(DjangoPersonRecords.JsonWithProducer) => DjangoPersonRecords.JsonWithProducer(),
        nameof(DjangoPersonRecords.Msgpack) => DjangoPersonRecords.Msgpack(),
        _ => DjangoPersonRecords.MsgpackWithProducer(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encoding_a_django_record_gives_the_bytes_the_wire_format_tests_expect(string format, string? producer, string expected)
    {
        Wire.Equal(Expected(expected), DjangoEnvelope.Encode(format, "person", 1, DjangoPersonRecords.MessageJson, producer));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_injected_record_is_stored_with_exactly_those_bytes(string format, string? producer, string expected)
    {
        await using var app = await HarnessApp.CreateAsync();

        var position = app.Harness.Inject("people", "person", 1, DjangoPersonRecords.MessageJson, format, producer);

        Assert.True(app.Harness.Broker.TryGet("people", int.Parse(position.Partition), position.Offset, out var stored));
        Wire.Equal(Expected(expected), stored.Value);
    }

    [Fact]
    public void Escaping_and_numbers_follow_python_json_dumps()
    {
        // As django-logpipe writes it: "é" as UTF-8 (not \u-escaped), U+2028 escaped, 1.0 kept a float and 10 an integer.
        var value = DjangoEnvelope.Encode("json", "note", 3, "{\"text\":\"café\u2028\",\"ratio\":1.0,\"count\":10}");

        Wire.Equal(Wire.Bytes("json:{\"type\":\"note\",\"version\":3,\"message\":{\"text\":\"café\\u2028\",\"ratio\":1.0,\"count\":10}}"), value);
    }

    [Theory]
    [InlineData("pickle", "{}", "format")]
    [InlineData("json", "[1,2]", "JSON object")]
    [InlineData("json", "{\"a\":", "not valid JSON")]
    public void Bad_input_is_refused_with_an_error_naming_the_problem(string format, string messageJson, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => DjangoEnvelope.Encode(format, "person", 1, messageJson));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_harness_the_same_service_does_not_start_on_its_configured_transport()
    {
        // The control for every test here: the service is configured for Kafka, which it does not add.
        var host = LogPipeTestApp.BuildHost(
            new LogCapture(),
            new Dictionary<string, string?> { ["LogPipe:Transport"] = "Kafka" },
            null,
            (_, _) => { },
            lp => lp.AddProducer<Person, PersonSerializerV2>("people"));
        using (host)
        {
            var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
            Assert.Contains("LogPipe:Transport is 'Kafka'", error.Message, StringComparison.Ordinal);
        }
    }
}
