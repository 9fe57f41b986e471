using System.Text;
using System.Text.Json;
using LogPipe.Cli.Tests.Support;

namespace LogPipe.Cli.Tests;

public sealed class OffsetsCommandTests : IClassFixture<KafkaFixture>, IDisposable
{
    private readonly KafkaFixture _kafka;
    private readonly CliWorkspace _workspace;

    public OffsetsCommandTests(KafkaFixture kafka)
    {
        _kafka = kafka;
        _workspace = CliWorkspace.Create(kafka.BootstrapServers);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task List_prints_the_groups_checkpoints_as_a_table()
    {
        await _workspace.AddCheckpointAsync("people", "0", 120, version: 7);
        await _workspace.AddCheckpointAsync("people", "1", 95);
        await _workspace.AddCheckpointAsync("people", "0", 5, group: "billing");

        var result = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Success);

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("Consumer group 'people-replica'", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^TRANSPORT\s+STREAM\s+PARTITION\s+NEXT OFFSET\s+VERSION\s+UPDATED$", lines[1]);
        Assert.Matches(@"^kafka\s+people\s+0\s+120\s+7\s+2025-01-02T03:04:05.000Z$", lines[2]);
        Assert.Matches(@"^kafka\s+people\s+1\s+95\s+1\s+", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task List_with_lag_reads_each_partitions_end_from_kafka_and_shows_partitions_without_a_checkpoint()
    {
        var topic = _kafka.NewTopic(partitions: 3);
        await _kafka.ProduceAsync(topic, 0, Records(5));
        await _kafka.ProduceAsync(topic, 1, Records(3));
        await _kafka.ProduceAsync(topic, 2, Records(2));
        await _workspace.AddCheckpointAsync(topic, "0", 2);
        await _workspace.AddCheckpointAsync(topic, "1", 3);

        var result = (await _workspace.RunAsync("offsets", "list", "--lag", "--json")).Expect(ExitCodes.Success);

        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("people-replica", json.RootElement.GetProperty("consumerGroup").GetString());
        var rows = json.RootElement.GetProperty("offsets").EnumerateArray()
            .Select(r => (Partition: r.GetProperty("partition").GetString(), Next: r.GetProperty("nextOffset").ValueKind == JsonValueKind.Null ? (long?)null : r.GetProperty("nextOffset").GetInt64(),
                End: r.GetProperty("logEndOffset").GetInt64(), Lag: r.GetProperty("lag").GetInt64()))
            .ToList();
        Assert.Equal([("0", 2L, 5L, 3L), ("1", 3L, 3L, 0L), ("2", null, 2L, 2L)], rows);

        var table = (await _workspace.RunAsync("offsets", "list", "--lag")).Expect(ExitCodes.Success).Out;
        Assert.Matches(@"LOG END\s+LAG", table);
        Assert.Matches($@"kafka\s+{topic}\s+0\s+2\s+5\s+3\s+1\s", table);
        Assert.Matches($@"kafka\s+{topic}\s+2\s+-\s+2\s+2\s+-\s+-", table);
    }

    [Fact]
    public async Task List_without_checkpoints_says_so_and_succeeds()
    {
        var result = (await _workspace.RunAsync("offsets", "list", "--group", "nobody")).Expect(ExitCodes.Success);
        Assert.Contains("No checkpoints stored for consumer group 'nobody'", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_refuses_without_force_when_the_broker_cannot_tell_whether_the_group_is_active()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAsync(topic, 0, Records(12));
        await _workspace.AddCheckpointAsync(topic, "0", 10, version: 3);

        var result = (await _workspace.RunAsync("offsets", "set", "--stream", topic, "--partition", "0", "--offset", "4")).Expect(ExitCodes.Refused);

        Assert.Contains("Cannot tell whether consumer group 'people-replica' has active members", result.Error, StringComparison.Ordinal);
        Assert.Contains("Make sure the service's consumers are stopped, then force the move. To force it, pass --force.", result.Error, StringComparison.Ordinal);
        Assert.Equal((10L, 3L), Single(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task Set_with_force_moves_the_checkpoint_and_advances_its_version_so_a_running_consumer_is_fenced()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAsync(topic, 0, Records(12));
        await _workspace.AddCheckpointAsync(topic, "0", 10, version: 3);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--offset", "4", "--force")).Expect(ExitCodes.Success);

        Assert.Contains($"Moved kafka/{topic}/0 of consumer group 'people-replica': next offset 10 -> next offset 4 (checkpoint version 4)", result.Out, StringComparison.Ordinal);
        Assert.Equal((4L, 4L), Single(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task Set_to_the_end_or_the_beginning_uses_the_partitions_watermarks_and_creates_a_missing_checkpoint()
    {
        var topic = _kafka.NewTopic(partitions: 2);
        await _kafka.ProduceAsync(topic, 1, Records(6));

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "1", "--to-end", "--force")).Expect(ExitCodes.Success);
        Assert.Equal((6L, 1L), Single(await _workspace.CheckpointsAsync()));

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "1", "--to-beginning", "--force")).Expect(ExitCodes.Success);
        Assert.Equal((0L, 2L), Single(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task Set_for_an_unknown_topic_or_partition_is_not_found_and_creates_no_topic()
    {
        var missing = "missing-" + Guid.NewGuid().ToString("N");
        var topic = _kafka.NewTopic(partitions: 2);

        var noTopic = (await _workspace.RunAsync("offsets", "set", "-s", missing, "-p", "0", "--offset", "1", "--force")).Expect(ExitCodes.NotFound);
        var noPartition = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "2", "--offset", "1", "--force")).Expect(ExitCodes.NotFound);

        Assert.Contains($"Topic '{missing}' does not exist on {_kafka.BootstrapServers}", noTopic.Error, StringComparison.Ordinal);
        Assert.Contains($"Topic '{topic}' has no partition 2 (it has 2)", noPartition.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(missing, _kafka.TopicNames());
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    [Theory]
    [InlineData("--offset", "1", "--to-end")]
    [InlineData("--force")]
    [InlineData("--offset", "-1")]
    public async Task Set_needs_exactly_one_valid_target(params string[] target)
    {
        var result = (await _workspace.RunAsync(["offsets", "set", "-s", "people", "-p", "0", .. target])).Expect(ExitCodes.Usage);
        Assert.Contains("Run 'logpipe offsets set --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_is_exit_code_3()
    {
        await _workspace.AddCheckpointAsync("people", "0", 1);

        var result = (await _workspace.RunAsync("offsets", "list", "--lag", "--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout", "2"))
            .Expect(ExitCodes.Unreachable);

        Assert.StartsWith("logpipe: Cannot reach Kafka at 127.0.0.1:1", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("%3|", result.Error, StringComparison.Ordinal);
    }

    private static (long NextOffset, long Version) Single(List<LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint> rows)
    {
        var row = Assert.Single(rows);
        return (row.NextOffset, row.Version);
    }

    private static (string? Key, byte[] Value)[] Records(int count) =>
        [.. Enumerable.Range(0, count).Select(i => ((string?)$"k{i}", Encoding.UTF8.GetBytes(CliWorkspace.JoeV2)))];
}
