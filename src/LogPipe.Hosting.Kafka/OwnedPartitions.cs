namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The partitions of one topic this group member owns, and the generation of each: every assignment, revocation and
/// rewind starts a new one, so a record read before it is told apart from the records read after (it is stale). Not
/// thread-safe: the source uses it on the consumer service's thread, where the rebalance callbacks run too (inside
/// <c>Consume</c>).
/// </summary>
internal sealed class OwnedPartitions
{
    private readonly Dictionary<int, long> _generations = [];
    private readonly HashSet<int> _owned = [];
    private long _lastGeneration;

    /// <summary>Whether this member owns the partition now.</summary>
    public bool Owns(int partition) => _owned.Contains(partition);

    /// <summary>The partition's current generation (0 before it was ever assigned): what a record read now carries.</summary>
    public long GenerationOf(int partition) => _generations.GetValueOrDefault(partition);

    /// <summary>The partition was assigned to this member: owned, in a new generation.</summary>
    public void Assign(int partition)
    {
        _owned.Add(partition);
        Renew(partition);
    }

    /// <summary>The partition was revoked or lost: not owned, and what was read of it is stale.</summary>
    public void Revoke(int partition)
    {
        _owned.Remove(partition);
        Renew(partition);
    }

    /// <summary>The partition is read again from another position (a rewind): what was read of it is stale.</summary>
    public void Renew(int partition) => _generations[partition] = ++_lastGeneration;

    /// <summary>Whether a record of the partition read in <paramref name="generation"/> may still be applied.</summary>
    public bool IsCurrent(int partition, long generation) =>
        _owned.Contains(partition) && _generations.TryGetValue(partition, out var current) && current == generation;
}
