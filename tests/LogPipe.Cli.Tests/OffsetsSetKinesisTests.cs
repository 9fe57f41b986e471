using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>offsets set --sequence</c> on a Kinesis shard (kinesalite): only a well-formed sequence number that Kinesis accepts
/// as a position in that very shard is stored.
/// </summary>
public sealed class OffsetsSetKinesisTests : IClassFixture<KinesisFixture>, IDisposable
{
    private const string Transport = "kinesis:us-east-1";
    private const string Shard0 = "shardId-000000000000";
    private const string Shard1 = "shardId-000000000001";
    private const string LowestHashKey = "0";
    private const string HighestHashKey = "340282366920938463463374607431768211455";

    private readonly KinesisFixture _kinesis;
    private readonly CliWorkspace _workspace;

    public OffsetsSetKinesisTests(KinesisFixture kinesis)
    {
        _kinesis = kinesis;
        _workspace = CliWorkspace.Create(bootstrapServers: null);
        _workspace.WriteKinesisConfig(kinesis.ServiceUrl);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_shard_moves_to_a_sequence_number_of_that_shard()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        var (shard, first) = await _kinesis.PutAsync(stream, HighestHashKey);
        var (_, second) = await _kinesis.PutAsync(stream, HighestHashKey);
        Assert.Equal(Shard1, shard);
        await _workspace.AddCheckpointAsync(stream, Shard1, 40, transport: Transport, sequence: second);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--sequence", first)).Expect(ExitCodes.Success);

        Assert.Contains($"after {second} -> after sequence number {first}", result.Out, StringComparison.Ordinal);
        var row = Assert.Single(await _workspace.CheckpointsAsync());
        Assert.Equal((first, 40L, 2L), (row.SequenceNumber, row.NextOffset, row.Version));
        var list = (await _workspace.RunAsync("offsets", "list", "--lag")).Expect(ExitCodes.Success).Out;
        // The record after the new checkpoint is the second one: not applied yet.
        Assert.Matches($@"kinesis:us-east-1\s+{stream}\s+{Shard1}\s+40\s+{first}\s+0 ms\s+\d{{4}}-[\d-]+T[\d:.]+Z\s+2", list);
    }

    [Theory]
    [InlineData("4950x")]
    [InlineData("-1")]
    [InlineData("0049")]
    [InlineData("4.9e55")]
    [InlineData("49590338271490256608559692538361571095921575989136588898\u001b[2J")]
    public async Task A_sequence_number_that_is_not_a_decimal_number_is_refused_before_asking_kinesis(string sequence)
    {
        await _workspace.AddCheckpointAsync("orders", Shard1, 40, transport: Transport, sequence: "4960");

        var result = (await _workspace.RunAsync("offsets", "set", "-s", "orders", "-p", Shard1, "--sequence", sequence)).Expect(ExitCodes.Usage);

        Assert.Contains("is not a Kinesis sequence number: that is a decimal number without leading zeros, at most 128 digits", result.Error, StringComparison.Ordinal);
        Assert.Equal("4960", Assert.Single(await _workspace.CheckpointsAsync()).SequenceNumber);
    }

    [Fact]
    public async Task A_sequence_number_longer_than_128_digits_is_refused()
    {
        var result = (await _workspace.RunAsync("offsets", "set", "-s", "orders", "-p", Shard1, "--sequence", new string('9', 129), "--transport", Transport))
            .Expect(ExitCodes.Usage);

        Assert.Contains("is not a Kinesis sequence number", result.Error, StringComparison.Ordinal);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    [Fact]
    public async Task A_shard_moves_to_a_time_between_two_records_and_resumes_at_the_later_one()
    {
        var (stream, records) = await ThreeRecordsAsync();
        await _workspace.AddCheckpointAsync(stream, Shard1, 40, transport: Transport, sequence: records[2].SequenceNumber);
        var between = records[0].Arrival + ((records[1].Arrival - records[0].Arrival) / 2);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--to-time", Iso(between))).Expect(ExitCodes.Success);

        Assert.Contains($"after {records[2].SequenceNumber} -> after sequence number {records[0].SequenceNumber}", result.Out, StringComparison.Ordinal);
        var row = Assert.Single(await _workspace.CheckpointsAsync());
        Assert.Equal((records[0].SequenceNumber, 40L, 2L), (row.SequenceNumber, row.NextOffset, row.Version));
    }

    [Fact]
    public async Task A_shard_moves_to_a_time_that_is_a_records_arrival_and_resumes_at_that_record()
    {
        var (stream, records) = await ThreeRecordsAsync();

        (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--to-time", Iso(records[2].Arrival), "--transport", Transport)).Expect(ExitCodes.Success);

        Assert.Equal(records[1].SequenceNumber, Assert.Single(await _workspace.CheckpointsAsync()).SequenceNumber);
    }

    [Fact]
    public async Task A_shard_moved_to_a_time_before_its_first_record_resumes_at_its_beginning()
    {
        var (stream, records) = await ThreeRecordsAsync();
        var start = (await _kinesis.Client.ListAllShardsAsync(stream, cancellationToken: CancellationToken.None)).Single(s => s.ShardId == Shard1).SequenceNumberRange!.StartingSequenceNumber!;

        (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--to-time", Iso(records[0].Arrival.AddSeconds(-1)), "--transport", Transport))
            .Expect(ExitCodes.Success);

        var row = Assert.Single(await _workspace.CheckpointsAsync());
        Assert.Equal(start, row.SequenceNumber);
        // Resuming after the shard's starting sequence number reads its first record.
        var list = (await _workspace.RunAsync("offsets", "list", "--lag")).Expect(ExitCodes.Success).Out;
        Assert.Contains(Iso(records[0].Arrival), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_moved_to_a_time_after_its_last_record_resumes_at_its_end()
    {
        var (stream, records) = await ThreeRecordsAsync();

        (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--to-time", Iso(records[2].Arrival.AddMilliseconds(1)), "--transport", Transport))
            .Expect(ExitCodes.Success);

        Assert.Equal(records[2].SequenceNumber, Assert.Single(await _workspace.CheckpointsAsync()).SequenceNumber);
    }

    [Fact]
    public async Task A_time_on_an_unknown_shard_is_not_found_and_nothing_is_stored()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 1);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--to-time", "2026-03-01T12:00:00Z", "--transport", Transport))
            .Expect(ExitCodes.NotFound);

        Assert.Contains($"has no shard '{Shard1}'", result.Error, StringComparison.Ordinal);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    /// <summary>A stream whose shard 1 holds three records with arrival timestamps that differ; another in shard 0.</summary>
    private async Task<(string Stream, List<(string SequenceNumber, DateTimeOffset Arrival)> Records)> ThreeRecordsAsync()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        await _kinesis.PutAsync(stream, LowestHashKey);
        var records = new List<(string, DateTimeOffset)>();
        for (var i = 0; i < 3; i++) records.Add(await _kinesis.PutLaterAsync(stream, Shard1, HighestHashKey));
        return (stream, records);
    }

    private static string Iso(DateTimeOffset time) => LogPipe.Cli.Output.RecordPrinter.Timestamp(time);

    [Fact]
    public async Task A_sequence_number_of_another_shard_is_refused_either_way_round()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        var (shard0, ofShard0) = await _kinesis.PutAsync(stream, LowestHashKey);
        var (shard1, ofShard1) = await _kinesis.PutAsync(stream, HighestHashKey);
        Assert.Equal((Shard0, Shard1), (shard0, shard1));

        var onShard1 = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--sequence", ofShard0, "--transport", Transport)).Expect(ExitCodes.Refused);
        var onShard0 = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard0, "--sequence", ofShard1, "--transport", Transport)).Expect(ExitCodes.Refused);

        Assert.Contains($"Sequence number {ofShard0} ", onShard1.Error, StringComparison.Ordinal);
        Assert.Contains($"shard '{Shard1}' of stream '{stream}'", onShard1.Error, StringComparison.Ordinal);
        Assert.Contains($"Sequence number {ofShard1} ", onShard0.Error, StringComparison.Ordinal);
        Assert.Contains($"shard '{Shard0}' of stream '{stream}'", onShard0.Error, StringComparison.Ordinal);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    [Fact]
    public async Task A_sequence_number_before_the_shards_first_is_refused_with_the_shards_range()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 1);
        await _kinesis.PutAsync(stream, LowestHashKey);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard0, "--sequence", "4950", "--transport", Transport)).Expect(ExitCodes.Refused);

        Assert.Matches($@"Sequence number 4950 is outside shard '{Shard0}' of stream '{stream}': its records have sequence numbers from \d+ on \(the shard is open\)", result.Error);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    [Fact]
    public async Task An_unknown_stream_or_shard_is_not_found()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 1);
        var (_, sequence) = await _kinesis.PutAsync(stream, LowestHashKey);

        var noStream = (await _workspace.RunAsync("offsets", "set", "-s", "missing-" + stream, "-p", Shard0, "--sequence", sequence, "--transport", Transport)).Expect(ExitCodes.NotFound);
        var noShard = (await _workspace.RunAsync("offsets", "set", "-s", stream, "-p", Shard1, "--sequence", sequence, "--transport", Transport)).Expect(ExitCodes.NotFound);

        Assert.Contains($"Stream 'missing-{stream}' does not exist at {_kinesis.ServiceUrl.Authority}", noStream.Error, StringComparison.Ordinal);
        Assert.Contains($"Stream '{stream}' has no shard '{Shard1}' (it has {Shard0})", noShard.Error, StringComparison.Ordinal);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }
}
