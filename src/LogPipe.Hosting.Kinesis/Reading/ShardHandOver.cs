using System.Collections.Concurrent;
using LogPipe.Hosting.Kinesis.Leases;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// The record source's part in handing a lease over (<see cref="LeaseHandOvers"/>): it stops reading the shard and drops
/// its queued records while the records already taken to units stay current, so those units commit them; it tells when
/// every record taken from the shard is committed; and once the lease is released it retires what is left of the reader.
/// </summary>
internal sealed class ShardHandOver
{
    private readonly object _gate;
    private readonly ShardLineage _lineage;
    private readonly ShardQueues _queues;
    private readonly ShardReaders _readers;
    private readonly ConcurrentDictionary<string, (long Generation, string Sequence)> _taken = new(StringComparer.Ordinal);

    /// <param name="gate">The source's lock, which guards the lineage and the readers.</param>
    /// <param name="lineage">The stream's shards.</param>
    /// <param name="queues">The queues the consumer service takes records from.</param>
    /// <param name="readers">Retires a reader once its lease is released.</param>
    public ShardHandOver(object gate, ShardLineage lineage, ShardQueues queues, ShardReaders readers)
    {
        _gate = gate;
        _lineage = lineage;
        _queues = queues;
        _readers = readers;
    }

    /// <summary>The hooks for the lease keeper.</summary>
    public LeaseHandOverHooks Hooks => new(StopReadingAsync, IsCommitted, Released);

    /// <summary>Notes a record handed to the consumer service (on its thread).</summary>
    public void Taken(IncomingRecord record)
    {
        if (record.SequenceNumber is { } sequence) _taken[record.Partition.Partition] = (record.Generation, sequence);
    }

    private async Task StopReadingAsync(string shardId)
    {
        ShardReader reader;
        lock (_gate)
        {
            if (_lineage.Find(shardId) is not { Status: ShardStatus.Reading, Reader: { } current }) return;
            reader = current;
            _queues.Remove(reader.Records);
        }

        await reader.StopAsync().ConfigureAwait(false);
    }

    private bool IsCommitted(string shardId)
    {
        lock (_gate)
        {
            if (_lineage.Find(shardId) is not { Status: ShardStatus.Reading, Reader: { } reader } state) return true;
            if (!_taken.TryGetValue(shardId, out var taken) || taken.Generation != reader.Generation) return true;
            return state.CommittedSequence is { } committed && Compare(committed, taken.Sequence) >= 0;
        }
    }

    private void Released(string shardId)
    {
        lock (_gate)
        {
            if (_lineage.Find(shardId) is { Status: ShardStatus.Reading, Reader: not null } state) _readers.Retire(state);
        }
    }

    /// <summary>Kinesis sequence numbers are decimal numbers without leading zeros: the longer is the later.</summary>
    private static int Compare(string a, string b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
}
