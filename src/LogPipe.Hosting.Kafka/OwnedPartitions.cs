namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The partitions of one topic this group member owns, and the generation of each: every assignment, revocation and
/// rewind starts a new one, so a record read before it is told apart from the records read after (it is stale).
/// Thread-safe: changed by the source's read-ahead thread (the rebalance callbacks) and by a rewind on the consumer
/// service's thread, read by both. Reads take an immutable snapshot without a lock (they happen for every record);
/// changes copy it under a lock (they happen per rebalance or rewind).
/// </summary>
internal sealed class OwnedPartitions
{
    private readonly object _changes = new();
    private volatile Dictionary<int, (long Generation, bool Owned, bool Revoking)> _partitions = [];
    private long _lastGeneration;

    /// <summary>Whether this member owns the partition now.</summary>
    public bool Owns(int partition) => _partitions.TryGetValue(partition, out var p) && p.Owned;

    /// <summary>The partition's current generation (0 before it was ever assigned): what a record read now carries.</summary>
    public long GenerationOf(int partition) => _partitions.TryGetValue(partition, out var p) ? p.Generation : 0;

    /// <summary>The partition was assigned to this member: owned, in a new generation.</summary>
    public void Assign(int partition) => Change([partition], owned: true);

    /// <summary>The partitions were assigned to this member: owned, each in a new generation.</summary>
    public void Assign(IReadOnlyList<int> partitions) => Change(partitions, owned: true);

    /// <summary>The partition was revoked or lost: not owned, and what was read of it is stale.</summary>
    public void Revoke(int partition) => Change([partition], owned: false);

    /// <summary>
    /// The partitions are being revoked: still owned and current for the unit being applied, but no new unit may take them
    /// (<see cref="IsRevoking"/>) until <see cref="Revoke(IReadOnlyList{int})"/> ends it.
    /// </summary>
    public void BeginRevoking(IReadOnlyList<int> partitions)
    {
        lock (_changes)
        {
            var next = new Dictionary<int, (long Generation, bool Owned, bool Revoking)>(_partitions);
            foreach (var partition in partitions)
            {
                if (next.TryGetValue(partition, out var p)) next[partition] = p with { Revoking = true };
            }

            _partitions = next;
        }
    }

    /// <summary>Whether the partition is being revoked (<see cref="BeginRevoking"/>).</summary>
    public bool IsRevoking(int partition) => _partitions.TryGetValue(partition, out var p) && p.Revoking;

    /// <summary>The partitions were revoked or lost: not owned, and what was read of them is stale.</summary>
    public void Revoke(IReadOnlyList<int> partitions) => Change(partitions, owned: false);

    /// <summary>The partition is read again from another position (a rewind): what was read of it is stale.</summary>
    public void Renew(int partition) => Change([partition], owned: null);

    /// <summary>Whether a record of the partition read in <paramref name="generation"/> may still be applied.</summary>
    public bool IsCurrent(int partition, long generation) =>
        _partitions.TryGetValue(partition, out var p) && p.Owned && p.Generation == generation;

    /// <summary>Gives each partition a new generation and, unless <paramref name="owned"/> is null, sets whether it is owned.</summary>
    private void Change(IReadOnlyList<int> partitions, bool? owned)
    {
        lock (_changes)
        {
            var next = new Dictionary<int, (long Generation, bool Owned, bool Revoking)>(_partitions);
            foreach (var partition in partitions)
            {
                var was = next.GetValueOrDefault(partition);
                next[partition] = (++_lastGeneration, owned ?? was.Owned, owned is null && was.Revoking);
            }

            _partitions = next;
        }
    }
}
