using System.Threading.Channels;
using LogPipe.Hosting.Kinesis.Reading;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kinesis.Tests.Reading;

/// <summary>How the consumer service takes records from the shards' queues: round-robin, never blocking, woken by the readers.</summary>
public sealed class ShardQueuesTests
{
    private readonly RecordSignal _signal = new();

    [Fact]
    public void Records_are_taken_round_robin_one_per_shard_so_a_busy_shard_cannot_starve_the_others()
    {
        var queues = new ShardQueues(_signal);
        queues.Add(Queue("a", 0, 1, 2));
        queues.Add(Queue("b", 0));
        queues.Add(Queue("c", 0, 1));

        Assert.Equal(["a0", "b0", "c0", "a1", "c1", "a2"], TakeAll(queues));
    }

    [Fact]
    public void A_removed_or_replaced_queue_hands_out_nothing_more_and_its_replacement_is_read_instead()
    {
        var queues = new ShardQueues(_signal);
        var old = Queue("a", 0, 1);
        var gone = Queue("b", 0);
        queues.Add(old);
        queues.Add(gone);

        queues.Add(Queue("a'", 0), replacing: old);
        queues.Remove(gone);

        Assert.Equal(1, queues.Count);
        Assert.Equal(["a'0"], TakeAll(queues));
        queues.Clear();
        Assert.Equal(0, queues.Count);
        Assert.False(queues.TryRead(out _));
    }

    [Fact]
    public async Task Waiting_ends_at_once_when_a_queue_holds_a_record_and_otherwise_when_a_reader_queues_one()
    {
        var queues = new ShardQueues(_signal);
        var channel = Channel.CreateUnbounded<IncomingRecord>();
        queues.Add(channel.Reader);
        Assert.False(queues.TryRead(out _));

        var waiting = queues.WaitToReadAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        channel.Writer.TryWrite(Record("a", 0));
        _signal.Pulse();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(queues.WaitToReadAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully);
        Assert.True(queues.TryRead(out var record));
        Assert.Equal(0, record.Offset);
    }

    [Fact]
    public async Task Waiting_with_nothing_queued_ends_when_cancelled()
    {
        var queues = new ShardQueues(_signal);
        queues.Add(Channel.CreateUnbounded<IncomingRecord>().Reader);
        using var stop = new CancellationTokenSource();
        var waiting = queues.WaitToReadAsync(stop.Token).AsTask();

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private static ChannelReader<IncomingRecord> Queue(string shard, params long[] offsets)
    {
        var channel = Channel.CreateUnbounded<IncomingRecord>();
        foreach (var offset in offsets) channel.Writer.TryWrite(Record(shard, offset));
        return channel.Reader;
    }

    private static IncomingRecord Record(string shard, long offset) =>
        new(new PartitionKey("kinesis:us-east-1", "people", shard), offset, null, ReadOnlyMemory<byte>.Empty, DateTimeOffset.UnixEpoch);

    private static List<string> TakeAll(ShardQueues queues)
    {
        var taken = new List<string>();
        while (queues.TryRead(out var record)) taken.Add(record.Partition.Partition + record.Offset);
        return taken;
    }
}
