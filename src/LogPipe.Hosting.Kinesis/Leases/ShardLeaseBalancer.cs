using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Kinesis.Leases;

/// <summary>
/// Decides which leases one instance takes in a round so that N instances converge to an even split of the shards: each
/// aims at its share (the shards that may be read, divided by the live instances, rounded up, capped by
/// <see cref="KinesisLeaseOptions.MaxLeasesPerInstance"/>), takes free and expired leases first, and only when none are left
/// takes at most <see cref="KinesisLeaseOptions.MaxStealsPerInterval"/> from the instance holding the most, and only from
/// one holding at least two more than this one would, so two instances never take the same leases back and forth.
/// </summary>
internal static class ShardLeaseBalancer
{
    /// <param name="assignable">The leases of shards that may be read now (not finished, parents finished).</param>
    /// <param name="owner">This instance.</param>
    /// <param name="isExpired">Whether a held lease's holder stopped renewing it.</param>
    /// <param name="options">The share's cap and the steal limit.</param>
    /// <returns>The leases to take, as observed.</returns>
    public static List<LeaseTake> Plan(IReadOnlyCollection<ShardLease> assignable, string owner, Func<ShardLease, bool> isExpired, KinesisLeaseOptions options)
    {
        var live = assignable.Where(l => l.Owner is not null && !isExpired(l)).ToList();
        // Instances holding no lease are not seen here; each counts itself, so a new instance aims at its share at once.
        var instances = live.Select(l => l.Owner!).Append(owner).Distinct(StringComparer.Ordinal).Count();
        var share = (assignable.Count + instances - 1) / instances;
        if (options.MaxLeasesPerInstance is { } max && share > max) share = max;
        var mine = live.Count(l => l.Owner == owner);
        var need = share - mine;
        var takes = new List<LeaseTake>();
        if (need <= 0) return takes;

        foreach (var lease in assignable.Where(l => l.Owner is null || (l.Owner != owner && isExpired(l))).OrderBy(l => l.Shard.Partition, StringComparer.Ordinal))
        {
            if (takes.Count == need) return takes;
            takes.Add(new LeaseTake(lease, lease.Owner is null ? LeaseTake.Free : LeaseTake.Expired));
        }

        var held = live.Where(l => l.Owner != owner).GroupBy(l => l.Owner!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(l => l.Shard.Partition, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        for (var steals = 0; steals < options.MaxStealsPerInterval && takes.Count < need; steals++)
        {
            var busiest = held.OrderByDescending(h => h.Value.Count).ThenBy(h => h.Key, StringComparer.Ordinal).FirstOrDefault();
            // Only from an instance holding at least two more than this one will then: anything less would move the imbalance around.
            if (busiest.Value is not { Count: > 0 } leases || leases.Count - (mine + takes.Count) < 2) break;
            takes.Add(new LeaseTake(leases[^1], LeaseTake.Stolen));
            leases.RemoveAt(leases.Count - 1);
        }

        return takes;
    }
}
