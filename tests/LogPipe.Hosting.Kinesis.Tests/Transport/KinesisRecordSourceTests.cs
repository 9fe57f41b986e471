using System.Text;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Reading;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>The source on its own, driven the way the consumer service drives it, with in-memory checkpoints.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisRecordSourceTests(KinesaliteFixture kinesalite)
{
    private static readonly KinesisOptions Options = new() { IdlePollInterval = TimeSpan.FromMilliseconds(400), ShardDiscoveryInterval = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public async Task Records_carry_shard_running_offset_sequence_number_key_and_arrival_time()
    {
        var stream = await kinesalite.CreateStreamAsync("source", shardCount: 1);
        var before = DateTimeOffset.UtcNow;
        var put = await kinesalite.Admin.PutTextsAsync(stream, "key-1", ["a", "b", "c"]);
        var after = DateTimeOffset.UtcNow;
        await using var source = Source(stream);
        await source.StartAsync(Store(), CancellationToken.None);

        var records = await ReadAsync(source, 3);

        Assert.Equal([0L, 1L, 2L], records.Select(r => r.Offset));
        Assert.Equal(put.Records!.Select(r => r.SequenceNumber), records.Select(r => r.SequenceNumber));
        Assert.All(records, r =>
        {
            Assert.Equal(new PartitionKey("kinesis:us-east-1", stream, "shardId-000000000000"), r.Partition);
            Assert.Equal("key-1", Encoding.UTF8.GetString(r.Key!.Value.Span));
            Assert.InRange(r.Timestamp, before.AddMilliseconds(-50), after.AddMilliseconds(50));
            Assert.True(source.IsCurrent(r));
        });
        Assert.Equal(new Checkpoint(3, put.Records![2].SequenceNumber), records[2].NextCheckpoint);
    }

    [Fact]
    public async Task Rewind_drops_what_was_read_and_reads_again_after_the_stored_checkpoint()
    {
        var stream = await kinesalite.CreateStreamAsync("rewind", shardCount: 1);
        var put = await kinesalite.Admin.PutTextsAsync(stream, "k", ["0", "1", "2", "3", "4", "5"]);
        var store = Store();
        await using var source = Source(stream);
        await source.StartAsync(store, CancellationToken.None);
        var first = await ReadAsync(source, 6);

        // Another instance applied the first three records meanwhile.
        var partition = first[0].Partition;
        store.Set(partition, first[2].NextCheckpoint);
        await source.RewindAsync(partition, CancellationToken.None);

        Assert.All(first, r => Assert.False(source.IsCurrent(r)));
        var again = await ReadAsync(source, 3);
        Assert.Equal(["3", "4", "5"], again.Select(r => Encoding.UTF8.GetString(r.Value.Span)));
        Assert.Equal([3L, 4L, 5L], again.Select(r => r.Offset));
        Assert.Equal(put.Records!.Skip(3).Select(r => r.SequenceNumber), again.Select(r => r.SequenceNumber));
        Assert.All(again, r => Assert.True(source.IsCurrent(r)));
        Assert.False(source.TryRead(out _));
    }

    [Fact]
    public async Task A_shard_whose_checkpoint_write_was_refused_for_a_lost_lease_is_dropped_at_once_not_read_again()
    {
        var stream = await kinesalite.CreateStreamAsync("fenced-drop", shardCount: 1);
        await kinesalite.Admin.PutTextsAsync(stream, "k", ["0", "1", "2"]);
        var store = Store();
        var logs = new LogCapture();
        // Rounds far apart: only the refused write can tell the source that the lease is gone.
        var options = new KinesisOptions { IdlePollInterval = TimeSpan.FromMilliseconds(400), Leases = new KinesisLeaseOptions { Duration = TimeSpan.FromHours(1), RenewInterval = TimeSpan.FromMinutes(30) } };
        await using var source = new KinesisRecordSource(kinesalite.Admin, stream, "kinesis:us-east-1", options, TimeProvider.System, logs.CreateLogger("source"));
        await source.StartAsync(store, CancellationToken.None);
        var read = await ReadAsync(source, 3);
        var partition = read[0].Partition;
        Assert.True(store.ShardLeases!.Holds(partition));

        // Another instance takes the lease (here: it is given up behind the source's back); the unit applying what was read
        // has its checkpoint write refused, and the consumer service rewinds the shard, as after any refused write.
        await store.ShardLeases.ReleaseAsync(partition, CancellationToken.None);
        await using (var unit = await store.BeginAsync(new ServiceCollection().BuildServiceProvider(), CancellationToken.None))
        {
            await Assert.ThrowsAsync<CheckpointConflictException>(() => unit.CommitAsync([new CheckpointUpdate(partition, read[2].NextCheckpoint)], CancellationToken.None));
        }

        await source.RewindAsync(partition, CancellationToken.None);

        Assert.Empty(source.Readers());
        Assert.All(read, r => Assert.False(source.IsCurrent(r)));
        Assert.False(source.TryRead(out _));
        Assert.Contains(logs.Entries, e => e.EventId.Id == LogEvents.LeaseLostAtCommit && (string?)e.State["Shard"] == partition.Partition);
    }

    [Fact]
    public async Task A_shard_reader_fetches_the_next_page_while_the_last_one_waits_to_be_applied()
    {
        var stream = await kinesalite.CreateStreamAsync("read-ahead", shardCount: 1);
        var put = await kinesalite.Admin.PutTextsAsync(stream, "k", [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var shard = Assert.Single(await kinesalite.Admin.ListAllShardsAsync(stream));

        // A queue smaller than a page would hold the reader until the consumer drained it, so reading and applying took
        // turns. The reader keeps room for two pages: both pages arrive with nothing applied yet.
        var options = new KinesisOptions { MaxRecordsPerRead = 5, ShardQueueCapacity = 1, PollInterval = TimeSpan.FromMilliseconds(200) };
        var context = new ShardReadContext(kinesalite.Admin, stream, "kinesis:us-east-1", options, TimeProvider.System, NullLogger.Instance, new RecordSignal());
        await using var reader = new ShardReader(context, shard.ShardId!, 1, ShardStart.TrimHorizon, 0, null, _ => { });
        reader.Start();

        await Eventually.TrueAsync(() => reader.Records.Count == 10, TimeSpan.FromSeconds(20), "both pages are queued before any record is taken");
        Assert.Equal(put.Records![9].SequenceNumber, reader.LastQueuedSequence);
    }

    [Fact]
    public async Task A_store_that_keeps_positions_in_the_transport_is_refused_at_start_naming_the_stream_and_what_to_use_instead()
    {
        await using var source = Source("kept-by-transport");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => source.StartAsync(new PositionsInTransportStore(), CancellationToken.None));

        Assert.Contains("PositionsInTransportStore keeps positions in the transport", refused.Message, StringComparison.Ordinal);
        Assert.Contains("stream 'kept-by-transport'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("UseEntityFrameworkOffsets<TDbContext>()", refused.Message, StringComparison.Ordinal);
    }

    private KinesisRecordSource Source(string stream) =>
        new(kinesalite.Admin, stream, "kinesis:us-east-1", Options, TimeProvider.System, NullLogger.Instance);

    private static InMemoryCheckpointStore Store() =>
        new(Microsoft.Extensions.Options.Options.Create(new LogPipeOptions { ConsumerGroup = "source-tests" }));

    private static async Task<List<IncomingRecord>> ReadAsync(KinesisRecordSource source, int count)
    {
        var records = new List<IncomingRecord>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (records.Count < count)
        {
            if (source.TryRead(out var record)) records.Add(record);
            else await source.WaitToReadAsync(timeout.Token);
        }

        return records;
    }
}
