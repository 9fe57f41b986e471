using System.Collections.Concurrent;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Diagnostics;

/// <summary>
/// What the health check needs to tell a quiet consumer from a stuck one: when the loop last made progress (handled a
/// record, or finished an idle poll: it is alive and found nothing to do), and per partition since when records it took
/// have waited without a commit. Written by the consumer loop, read by health checks on other threads.
/// </summary>
internal sealed class ConsumerProgress
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<PartitionKey, PartitionState> _partitions = new();
    private long _lastProgressTicks;

    public ConsumerProgress(TimeProvider time)
    {
        _time = time;
        Alive();
    }

    /// <summary>When the loop last handled a record or finished an idle poll.</summary>
    public DateTimeOffset LastProgressAt => new(Interlocked.Read(ref _lastProgressTicks), TimeSpan.Zero);

    /// <summary>The loop handled a record or finished an idle poll.</summary>
    public void Alive() => Interlocked.Exchange(ref _lastProgressTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>A record was taken into a unit of work: its partition now waits for a commit.</summary>
    public void Taken(IncomingRecord record, IRecordSource source)
    {
        if (_partitions.TryGetValue(record.Partition, out var state) && state.Generation == record.Generation)
        {
            lock (state)
            {
                state.PendingSince ??= _time.GetUtcNow();
                state.HighestTaken = Math.Max(state.HighestTaken, record.Offset);
            }

            return;
        }

        var now = _time.GetUtcNow();
        _partitions[record.Partition] = new PartitionState(record.Generation, source as ILogEndSource)
        {
            Position = record.Offset,
            HighestTaken = record.Offset,
            PendingSince = now,
        };
    }

    /// <summary>A unit committed: the partition moved to <paramref name="next"/>.</summary>
    public void Committed(PartitionKey partition, long next)
    {
        Alive();
        if (!_partitions.TryGetValue(partition, out var state)) return;
        lock (state)
        {
            state.Position = Math.Max(state.Position, next);
            // Records taken after the committed ones still wait, but their clock starts now: the partition just moved.
            state.PendingSince = next > state.HighestTaken ? null : _time.GetUtcNow();
        }
    }

    /// <summary>The partition's records were dropped (it was revoked or rewound): nothing of it waits any more.</summary>
    public void Forget(IncomingRecord record)
    {
        if (_partitions.TryGetValue(record.Partition, out var state) && state.Generation <= record.Generation)
        {
            _partitions.TryRemove(record.Partition, out _);
        }
    }

    /// <summary>Partitions whose taken records have waited longer than <paramref name="timeout"/> without a commit.</summary>
    public List<PartitionStall> Stalled(TimeSpan timeout)
    {
        var now = _time.GetUtcNow();
        var stalled = new List<PartitionStall>();
        foreach (var (partition, state) in _partitions)
        {
            DateTimeOffset since;
            long position;
            lock (state)
            {
                if (state.PendingSince is not { } pending) continue;
                since = pending;
                position = state.Position;
            }

            if (now - since <= timeout) continue;
            long? lag = state.LogEnd is { } source && source.TryGetLogEnd(partition, out var end) ? Math.Max(0, end - position) : null;
            stalled.Add(new PartitionStall(partition, since, lag));
        }

        return stalled;
    }

    private sealed class PartitionState(long generation, ILogEndSource? logEnd)
    {
        public long Generation { get; } = generation;

        public ILogEndSource? LogEnd { get; } = logEnd;

        public long Position { get; set; }

        public long HighestTaken { get; set; }

        public DateTimeOffset? PendingSince { get; set; }
    }
}
