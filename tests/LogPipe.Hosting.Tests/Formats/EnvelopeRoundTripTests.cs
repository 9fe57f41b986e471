using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

public class EnvelopeRoundTripTests
{
    private static readonly JsonSerializerOptions Options = PayloadJson.CreateOptions();

    public sealed record Everything(
        Guid Id,
        string Name,
        string? Nickname,
        int Count,
        long Big,
        ulong Huge,
        double Ratio,
        float Scale,
        decimal Price,
        bool Active,
        DateTime CreatedUtc,
        DateTimeOffset UpdatedAt,
        DateOnly Birthday,
        TimeOnly Alarm,
        TimeSpan Timeout,
        byte[] Blob,
        IReadOnlyList<int> Numbers,
        IReadOnlyDictionary<string, string> Tags)
    {
        public bool Equals(Everything? other) => other is not null
            && JsonSerializer.Serialize(this, Options) == JsonSerializer.Serialize(other, Options);

        public override int GetHashCode() => Id.GetHashCode();
    }

    public static TheoryData<string, string?> Cases => new()
    {
        { WireFormat.Json, null },
        { WireFormat.Json, "people-api" },
        { WireFormat.MessagePack, null },
        { WireFormat.MessagePack, "people-api" },
    };

    private static Everything Sample() => new(
        Guid.NewGuid(),
        "Zoë \"the\" \\ tester\n😀\u2028",
        null,
        -33,
        long.MinValue,
        ulong.MaxValue,
        0.1,
        1.5f,
        12.50m,
        true,
        new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_560),
        new DateTimeOffset(2024, 1, 2, 3, 4, 5, 120, TimeSpan.FromHours(2)),
        new DateOnly(2024, 1, 2),
        new TimeOnly(3, 4, 5),
        TimeSpan.FromSeconds(-1),
        [0, 1, 2, 255],
        [1, 200, 70_000],
        new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writer_output_reads_back_to_an_equal_envelope_and_message(string format, string? producer)
    {
        Everything message = Sample();
        byte[] record = new EnvelopeWriter(Options).Write(format, "everything", 7, message, producer);

        Envelope envelope = new EnvelopeReader(EnvelopeLimits.Default).Read(record);

        Assert.Equal(format, envelope.Format);
        Assert.Equal("everything", envelope.Type);
        Assert.Equal(7, envelope.Version);
        Assert.Equal(producer, envelope.Producer);
        Assert.Equal(message, JsonSerializer.Deserialize<Everything>(envelope.MessageJson.Span, Options));
    }

    [Fact]
    public void Both_formats_carry_the_same_message_json()
    {
        Everything message = Sample();
        var writer = new EnvelopeWriter(Options);
        var reader = new EnvelopeReader(EnvelopeLimits.Default);

        Envelope json = reader.Read(writer.Write(WireFormat.Json, "e", 1, message, null));
        Envelope msgpack = reader.Read(writer.Write(WireFormat.MessagePack, "e", 1, message, null));

        using JsonDocument fromJson = JsonDocument.Parse(json.MessageJson);
        using JsonDocument fromMsgpack = JsonDocument.Parse(msgpack.MessageJson);
        Assert.True(JsonElement.DeepEquals(fromJson.RootElement, fromMsgpack.RootElement));
    }

    [Fact]
    public void Writing_many_records_on_one_thread_reuses_buffers()
    {
        var writer = new EnvelopeWriter(Options);
        var destination = new System.Buffers.ArrayBufferWriter<byte>(4096);
        var person = new Person(Guid.NewGuid(), "Joe", "Schmoe");
        for (int i = 0; i < 100; i++)
        {
            destination.ResetWrittenCount();
            writer.Write(destination, WireFormat.MessagePack, "person", 1, person, null);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            destination.ResetWrittenCount();
            writer.Write(destination, WireFormat.MessagePack, "person", 1, person, null);
            destination.ResetWrittenCount();
            writer.Write(destination, WireFormat.Json, "person", 1, person, "p");
        }

        long perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / 200;
        Assert.True(perRecord < 256, $"Writing a record allocated {perRecord} bytes.");
    }
}
