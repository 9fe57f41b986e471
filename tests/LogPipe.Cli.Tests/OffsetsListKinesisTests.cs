using System.Text.Json;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>offsets list</c> on Kinesis checkpoints (kinesalite): what the consumer stored, and with <c>--lag</c> every shard of
/// the stream with how far its checkpoint is behind and when the oldest record not yet applied arrived.
/// </summary>
public sealed class OffsetsListKinesisTests : IClassFixture<KinesisFixture>, IDisposable
{
    private const string Transport = "kinesis:us-east-1";
    private const string Shard0 = "shardId-000000000000";
    private const string Shard1 = "shardId-000000000001";
    private const string HighestHashKey = "340282366920938463463374607431768211455";
    private const string Timestamp = @"\d{4}-\d\d-\d\dT[\d:.]+Z";
    private const string Lease = @"free\s+\d+\s+\d+\s+no\s+" + Timestamp;

    private readonly KinesisFixture _kinesis;
    private readonly CliWorkspace _workspace;

    public OffsetsListKinesisTests(KinesisFixture kinesis)
    {
        _kinesis = kinesis;
        _workspace = CliWorkspace.Create(bootstrapServers: null);
        _workspace.WriteKinesisConfig(kinesis.ServiceUrl);
    }

    public void Dispose() => _workspace.Dispose();

    private static void AssertLine(string pattern, string output) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, pattern), $"No line matches {pattern} in:\n{output}");

    [Fact]
    public async Task Offsets_list_shows_the_consumers_kinesis_checkpoints_and_with_lag_which_shard_has_records_not_applied()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        await using (var service = await WorkspaceService.StartKinesisAsync(_workspace, _kinesis.ServiceUrl, stream, consume: true))
        {
            // Keys are random: with 24 of them both shards get some (all on one shard: 1 in 8 million).
            await service.SendAsync(People.Many(24));
            await Eventually.TrueAsync(async () => (await _workspace.CheckpointsAsync()).Sum(c => c.NextOffset) == 24, TimeSpan.FromSeconds(60), "24 records applied");
        }

        // Written while the service was stopped: shard 1 now holds a record the group has not applied.
        var (shard, pending) = await _kinesis.PutAsync(stream, HighestHashKey, CliWorkspace.Envelope("json", "person", 2, People.Joe()));
        Assert.Equal(Shard1, shard);
        var checkpoints = (await _workspace.CheckpointsAsync()).ToDictionary(c => c.Partition);
        Assert.Equal([Shard0, Shard1], checkpoints.Keys.Order());

        var plain = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Success).Out;
        var lag = (await _workspace.RunAsync("offsets", "list", "--lag")).Expect(ExitCodes.Success).Out;
        var json = (await _workspace.RunAsync("offsets", "list", "--lag", "--json")).Expect(ExitCodes.Success).Out;

        foreach (var (id, checkpoint) in checkpoints)
        {
            // The service leased its shards and gave the leases up when it stopped.
            AssertLine($@"{Transport}\s+{stream}\s+{id}\s+{checkpoint.NextOffset}\s+{checkpoint.SequenceNumber}\s+{Lease}\s+\d+\s+{Timestamp}", plain);
        }

        Assert.Contains("BEHIND LATEST  OLDEST UNAPPLIED", lag, StringComparison.Ordinal);
        Assert.DoesNotContain("LOG END", lag, StringComparison.Ordinal);
        AssertLine($@"{Transport}\s+{stream}\s+{Shard1}\s+\d+\s+\d+\s+0 ms\s+{Timestamp}\s+{Lease}\s+\d+\s+{Timestamp}", lag);
        AssertLine($@"{Transport}\s+{stream}\s+{Shard0}\s+.*0 ms\s+none\s", lag);

        var rows = JsonDocument.Parse(json).RootElement.GetProperty("offsets").EnumerateArray().ToDictionary(r => r.GetProperty("partition").GetString()!);
        Assert.Equal(2, rows.Count);
        Assert.False(rows[Shard1].GetProperty("caughtUp").GetBoolean());
        Assert.True(rows[Shard1].TryGetProperty("oldestUnappliedAt", out _));
        Assert.Equal(0, rows[Shard1].GetProperty("millisBehindLatest").GetInt64());
        Assert.True(rows[Shard0].GetProperty("caughtUp").GetBoolean());
        Assert.False(rows[Shard0].TryGetProperty("oldestUnappliedAt", out _));
        Assert.Equal("free", rows[Shard0].GetProperty("leaseHolder").GetString());
        Assert.NotEqual(pending, checkpoints[Shard1].SequenceNumber);
    }

    [Fact]
    public async Task Offsets_list_lag_shows_shards_without_a_checkpoint_and_checkpoints_of_a_stream_that_is_gone()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        await _kinesis.PutAsync(stream, HighestHashKey, CliWorkspace.Envelope("json", "person", 2, People.Joe()));
        var (_, first) = await _kinesis.PutAsync(stream, "0");
        var (_, second) = await _kinesis.PutAsync(stream, "0");
        await _workspace.AddCheckpointAsync(stream, Shard0, 2, transport: Transport, sequence: second);
        await _workspace.AddCheckpointAsync("gone-" + stream, Shard0, 5, transport: Transport, sequence: first);

        var lag = (await _workspace.RunAsync("offsets", "list", "--lag")).Expect(ExitCodes.Success).Out;

        // Shard 1 was never read: its one record waits. Shard 0 is applied to its last record.
        AssertLine($@"{Transport}\s+{stream}\s+{Shard1}\s+-\s+-\s+0 ms\s+{Timestamp}\s+-\s+-", lag);
        AssertLine($@"{Transport}\s+{stream}\s+{Shard0}\s+2\s+{second}\s+0 ms\s+none\s+1\s+{Timestamp}", lag);
        AssertLine($@"{Transport}\s+gone-{stream}\s+{Shard0}\s+5\s+{first}\s+no stream\s+-\s+1", lag);
    }
}
