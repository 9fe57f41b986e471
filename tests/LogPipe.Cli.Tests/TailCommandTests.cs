using System.Text;
using System.Text.Json;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests;

public sealed class TailCommandTests : IClassFixture<KafkaFixture>, IDisposable
{
    private static readonly PersonV2 Joe = new(Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41"), "Joe", "Schmoe", "joe@example.com");
    private static readonly PersonV1 Zoe = new(Guid.Parse("0f0e0d0c-0b0a-4909-8807-060504030201"), "Zoë", "Ångström");

    private readonly KafkaFixture _kafka;
    private readonly CliWorkspace _workspace;

    public TailCommandTests(KafkaFixture kafka)
    {
        _kafka = kafka;
        _workspace = CliWorkspace.Create(kafka.BootstrapServers);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string> TopicWithMixedRecordsAsync()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAsync(topic, 0,
            (Joe.Uuid.ToString(), CliWorkspace.Envelope("json", "person", 2, Joe)),
            (Zoe.Uuid.ToString(), CliWorkspace.Envelope("msgpack", "person", 1, Zoe, producer: "people-api")),
            (null, Encoding.UTF8.GetBytes("garbage")),
            ("pickled", Encoding.UTF8.GetBytes("pickle:\x80\x04\x95")));
        return topic;
    }

    [Fact]
    public async Task Tail_prints_json_and_msgpack_records_readably_and_bad_records_as_error_lines_with_a_hex_preview()
    {
        var topic = await TopicWithMixedRecordsAsync();

        var result = (await _workspace.RunAsync("tail", topic, "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);

        var lines = result.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Matches($@"^{topic}/0@0  \d{{4}}-\d\d-\d\dT[\d:.]+Z  key=de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41  person v2  json$", lines[0]);
        Assert.Equal(["  {", "    \"uuid\": \"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41\",", "    \"first_name\": \"Joe\","], lines[1..4]);
        var zoe = lines.FindIndex(l => l.StartsWith($"{topic}/0@1", StringComparison.Ordinal));
        Assert.EndsWith("key=0f0e0d0c-0b0a-4909-8807-060504030201  person v1  msgpack  producer=people-api", lines[zoe], StringComparison.Ordinal);
        Assert.Equal("    \"first_name\": \"Zoë\",", lines[zoe + 3]);
        Assert.Contains(lines, l => l.StartsWith($"{topic}/0@2", StringComparison.Ordinal)
            && l.Contains("key=-  ERROR Undecodable: The record has no format prefix", StringComparison.Ordinal)
            && l.EndsWith("value[7]: 67 61 72 62 61 67 65", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{topic}/0@3", StringComparison.Ordinal) && l.Contains("ERROR UnknownFormat: The record's format code 'pickle'", StringComparison.Ordinal));
        Assert.Contains("Tailing '" + topic + "' (1 partition) from the beginning", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_json_prints_one_object_per_record_for_scripts()
    {
        var topic = await TopicWithMixedRecordsAsync();

        var result = (await _workspace.RunAsync("tail", topic, "--from", "beginning", "--count", "4", "--json")).Expect(ExitCodes.Success);

        var records = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, records.Count);
        Assert.Equal(("person", 2, "Joe"), (records[0].GetProperty("type").GetString(), records[0].GetProperty("version").GetInt32(),
            records[0].GetProperty("message").GetProperty("first_name").GetString()));
        Assert.Equal(("msgpack", "people-api", "Ångström"), (records[1].GetProperty("format").GetString(), records[1].GetProperty("producer").GetString(),
            records[1].GetProperty("message").GetProperty("last_name").GetString()));
        Assert.Equal(("Undecodable", "67617262616765"), (records[2].GetProperty("error").GetProperty("kind").GetString(), records[2].GetProperty("valueHex").GetString()));
        Assert.Equal(JsonValueKind.Null, records[2].GetProperty("key").ValueKind);
        Assert.Equal(("0", 3L), (records[3].GetProperty("partition").GetString(), records[3].GetProperty("offset").GetInt64()));
    }

    [Fact]
    public async Task Tail_from_the_end_prints_only_records_produced_after_it_started_and_stops_after_count()
    {
        var topic = _kafka.NewTopic(partitions: 2);
        await _kafka.ProduceAsync(topic, 0, ("old", CliWorkspace.Envelope("json", "person", 1, Zoe)));
        using var tail = _workspace.Start("tail", topic, "--count", "2");
        await tail.WaitForOutputAsync("from the end", onStandardError: true);

        await _kafka.ProduceAsync(topic, 1, ("new-1", CliWorkspace.Envelope("json", "person", 2, Joe)));
        await _kafka.ProduceAsync(topic, 0, ("new-2", CliWorkspace.Envelope("msgpack", "person", 2, Joe)));

        Assert.Equal(ExitCodes.Success, await tail.WaitForExitAsync());
        Assert.Contains($"{topic}/1@0", tail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{topic}/0@1", tail.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("key=old", tail.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_of_one_partition_reads_only_that_one()
    {
        var topic = _kafka.NewTopic(partitions: 3);
        await _kafka.ProduceAsync(topic, 0, ("a", CliWorkspace.Envelope("json", "person", 2, Joe)));
        await _kafka.ProduceAsync(topic, 2, ("b", CliWorkspace.Envelope("json", "person", 2, Joe)));

        var result = (await _workspace.RunAsync("tail", topic, "--partition", "2", "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);

        Assert.Contains($"{topic}/2@0", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"{topic}/0@", result.Out, StringComparison.Ordinal);
        var missing = (await _workspace.RunAsync("tail", topic, "--partition", "3")).Expect(ExitCodes.NotFound);
        Assert.Contains("has no partition 3 (it has 3)", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_of_an_unknown_topic_is_not_found_and_does_not_create_it()
    {
        var missing = "missing-" + Guid.NewGuid().ToString("N");

        var result = (await _workspace.RunAsync("tail", missing)).Expect(ExitCodes.NotFound);

        Assert.Equal($"logpipe: Topic '{missing}' does not exist on {_kafka.BootstrapServers}.", result.Error.Trim());
        Assert.DoesNotContain(missing, _kafka.TopicNames());
    }

    [Fact]
    public async Task Ctrl_c_stops_a_tail_cleanly()
    {
        var topic = _kafka.NewTopic();
        using var tail = _workspace.Start("tail", topic);
        await tail.WaitForOutputAsync("Ctrl+C stops", onStandardError: true);

        tail.Interrupt();

        Assert.Equal(ExitCodes.Success, await tail.WaitForExitAsync());
    }

    [Fact]
    public async Task From_accepts_only_beginning_or_end()
    {
        var result = (await _workspace.RunAsync("tail", "people", "--from", "middle")).Expect(ExitCodes.Usage);
        Assert.Contains("middle", result.Error, StringComparison.Ordinal);
    }
}
