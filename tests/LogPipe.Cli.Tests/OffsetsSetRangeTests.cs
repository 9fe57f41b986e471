using System.Text;
using LogPipe.Cli.Tests.Support;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>offsets set --offset</c> only stores a next offset the partition can serve: from its first record to its end
/// (caught up). Anything else would make the consumer reset the partition and apply everything again, or skip it.
/// </summary>
public sealed class OffsetsSetRangeTests : IClassFixture<KafkaFixture>, IDisposable
{
    private readonly KafkaFixture _kafka;
    private readonly CliWorkspace _workspace;

    public OffsetsSetRangeTests(KafkaFixture kafka)
    {
        _kafka = kafka;
        _workspace = CliWorkspace.Create(kafka.BootstrapServers);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task An_offset_past_the_partitions_end_is_refused_even_with_force_and_names_the_valid_range()
    {
        var topic = _kafka.NewTopic(partitions: 2);
        await _kafka.ProduceAsync(topic, 1, Records(5));
        await _workspace.AddCheckpointAsync(topic, "1", 3, version: 2);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "1", "--offset", "6", "--force")).Expect(ExitCodes.Refused);

        Assert.Contains($"Offset 6 is outside partition 1 of topic '{topic}': it holds offsets 0 to 4, so the next offset must be between 0 (its first record) and 5 (its end: caught up)",
            result.Error, StringComparison.Ordinal);
        Assert.Contains("auto.offset.reset", result.Error, StringComparison.Ordinal);
        Assert.Equal((3L, 2L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task An_offset_on_an_empty_partition_must_be_its_end()
    {
        var topic = _kafka.NewTopic();

        var result = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--offset", "1", "--force")).Expect(ExitCodes.Refused);

        Assert.Contains($"Offset 1 is outside partition 0 of topic '{topic}': it holds no records, so the only valid next offset is 0 (its end)", result.Error, StringComparison.Ordinal);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    [Fact]
    public async Task The_partitions_end_is_accepted_as_caught_up_and_its_first_offset_as_the_beginning()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAsync(topic, 0, Records(5));

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--offset", "5", "--force")).Expect(ExitCodes.Success);
        Assert.Equal((5L, 1L), Stored(await _workspace.CheckpointsAsync()));

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--offset", "0", "--force")).Expect(ExitCodes.Success);
        Assert.Equal((0L, 2L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task An_offset_below_the_partitions_first_record_is_refused()
    {
        // The development broker keeps at most 5 MiB per partition: seven records of 900 KB push the first ones out.
        var topic = _kafka.NewTopic();
        var big = new byte[900 * 1024];
        await _kafka.ProduceAsync(topic, 0, [.. Enumerable.Range(0, 7).Select(_ => ((string?)null, big))]);
        await _workspace.AddCheckpointAsync(topic, "0", 7, version: 4);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--offset", "0", "--force")).Expect(ExitCodes.Refused);

        Assert.Matches($@"Offset 0 is outside partition 0 of topic '{topic}': it holds offsets [1-6] to 6, so the next offset must be between [1-6] \(its first record\) and 7", result.Error);
        Assert.Contains("deleted", result.Error, StringComparison.Ordinal);
        Assert.Equal((7L, 4L), Stored(await _workspace.CheckpointsAsync()));
    }

    private static (long NextOffset, long Version) Stored(List<LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint> rows)
    {
        var row = Assert.Single(rows);
        return (row.NextOffset, row.Version);
    }

    private static (string? Key, byte[] Value)[] Records(int count) =>
        [.. Enumerable.Range(0, count).Select(i => ((string?)$"k{i}", Encoding.UTF8.GetBytes(CliWorkspace.JoeV2)))];
}
