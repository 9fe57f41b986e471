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

    // The state Taken used last (the consumer loop's only): valid while it is the one in _partitions for its key.
    private PartitionKey _lastTakenKey;
    private PartitionState? _lastTaken;

    public ConsumerProgress(TimeProvider time)
    {
        _time = time;
        Activity = new StreamActivity(time);
        Alive();
    }

    /// <summary>What each topic or stream handled lately: rate and last error, for the dashboard.</summary>
    public StreamActivity Activity { get; }

    /// <summary>When the loop last handled a record or finished an idle poll.</summary>
    public DateTimeOffset LastProgressAt => new(Interlocked.Read(ref _lastProgressTicks), TimeSpan.Zero);

    /// <summary>The loop handled a record or finished an idle poll.</summary>
    public void Alive() => Interlocked.Exchange(ref _lastProgressTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>A record was taken into a unit of work: its partition now waits for a commit.</summary>
    public void Taken(IncomingRecord record, IRecordSource source)
    {
        // Records come in runs of one partition: the last partition's state is kept at hand, so most records cost no
        // lookup (hashing the key's three strings was a visible part of taking a record).
        var state = _lastTaken is { } last && last.Generation == record.Generation && _lastTakenKey == record.Partition
            ? last
            : _partitions.TryGetValue(record.Partition, out var found) ? found : null;
        if (state is not null && state.Generation == record.Generation)
        {
            (_lastTakenKey, _lastTaken) = (record.Partition, state);
            if (Volatile.Read(ref state.PendingSinceTicks) == 0) Volatile.Write(ref state.PendingSinceTicks, _time.GetUtcNow().UtcTicks);
            if (record.Offset > state.HighestTaken) state.HighestTaken = record.Offset;
            return;
        }

        var added = new PartitionState(record.Generation, source as ILogEndSource)
        {
            Position = record.Offset,
            HighestTaken = record.Offset,
            PendingSinceTicks = _time.GetUtcNow().UtcTicks,
        };
        _partitions[record.Partition] = added;
        (_lastTakenKey, _lastTaken) = (record.Partition, added);
    }

    /// <summary>A unit committed: the partition moved to <paramref name="next"/>.</summary>
    public void Committed(PartitionKey partition, long next)
    {
        Alive();
        if (!_partitions.TryGetValue(partition, out var state)) return;
        if (next > Volatile.Read(ref state.Position)) Volatile.Write(ref state.Position, next);
        Volatile.Write(ref state.LastCommitTicks, _time.GetUtcNow().UtcTicks);

        // Records taken after the committed ones still wait, but their clock starts now: the partition just moved.
        Volatile.Write(ref state.PendingSinceTicks, next > state.HighestTaken ? 0 : _time.GetUtcNow().UtcTicks);
    }

    /// <summary>The partition's records were dropped (it was revoked or rewound): nothing of it waits any more.</summary>
    public void Forget(IncomingRecord record)
    {
        if (_partitions.TryGetValue(record.Partition, out var state) && state.Generation <= record.Generation)
        {
            _partitions.TryRemove(record.Partition, out _);
            if (ReferenceEquals(state, _lastTaken)) _lastTaken = null;
        }
    }

    /// <summary>Partitions whose taken records have waited longer than <paramref name="timeout"/> without a commit.</summary>
    public List<PartitionStall> Stalled(TimeSpan timeout)
    {
        var now = _time.GetUtcNow();
        var stalled = new List<PartitionStall>();
        foreach (var (partition, state) in _partitions)
        {
            var pending = Volatile.Read(ref state.PendingSinceTicks);
            if (pending == 0) continue;
            var since = new DateTimeOffset(pending, TimeSpan.Zero);
            if (now - since <= timeout) continue;
            var position = Volatile.Read(ref state.Position);
            long? lag = state.LogEnd is { } source && source.TryGetLogEnd(partition, out var end) ? Math.Max(0, end - position) : null;
            stalled.Add(new PartitionStall(partition, since, lag));
        }

        return stalled;
    }

    /// <summary>Every partition this instance took records of and still reads, as of now, in key order.</summary>
    public List<PartitionProgress> Partitions()
    {
        var partitions = new List<PartitionProgress>(_partitions.Count);
        foreach (var (partition, state) in _partitions)
        {
            var position = Volatile.Read(ref state.Position);
            long? end = state.LogEnd is { } source && source.TryGetLogEnd(partition, out var e) ? e : null;
            partitions.Add(new PartitionProgress(partition, position, end, AsTime(Volatile.Read(ref state.LastCommitTicks)), AsTime(Volatile.Read(ref state.PendingSinceTicks))));
        }

        partitions.Sort(static (a, b) => string.CompareOrdinal(a.Partition.ToString(), b.Partition.ToString()));
        return partitions;
    }

    private static DateTimeOffset? AsTime(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    /// <summary>
    /// One partition's progress. Written by the consumer loop only; health checks read <see cref="Position"/> and
    /// <see cref="PendingSinceTicks"/> from other threads, hence fields read and written whole.
    /// </summary>
    private sealed class PartitionState(long generation, ILogEndSource? logEnd)
    {
        public readonly long Generation = generation;
        public readonly ILogEndSource? LogEnd = logEnd;
        public long Position;
        public long HighestTaken;

        /// <summary>UTC ticks of when the oldest taken, uncommitted record was taken; 0 when none waits.</summary>
        public long PendingSinceTicks;

        /// <summary>UTC ticks of the last commit of its records; 0 before the first.</summary>
        public long LastCommitTicks;
    }
}
