using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Kinesis.Leases;

/// <summary>
/// Judges when a lease has expired without comparing clocks (as the KCL does): it remembers, per shard, the owner and
/// counter last seen and when they last changed on this instance's monotonic clock. A lease whose counter has not moved
/// for the lease duration is expired: its holder stopped renewing, whatever the holder's clock says.
/// </summary>
internal sealed class LeaseExpiryWatch
{
    private readonly Dictionary<PartitionKey, (string? Owner, long Counter, long SeenAt)> _seen = [];
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;

    public LeaseExpiryWatch(TimeSpan duration, TimeProvider time)
    {
        _duration = duration;
        _time = time;
    }

    /// <summary>Notes the leases as just read; a lease seen for the first time counts as renewed now.</summary>
    public void Observe(IEnumerable<ShardLease> leases)
    {
        var now = _time.GetTimestamp();
        foreach (var lease in leases)
        {
            if (_seen.TryGetValue(lease.Shard, out var seen) && seen.Owner == lease.Owner && seen.Counter == lease.Counter) continue;
            _seen[lease.Shard] = (lease.Owner, lease.Counter, now);
        }
    }

    /// <summary>Whether <paramref name="lease"/> is held and its counter has not moved for the lease duration.</summary>
    public bool IsExpired(ShardLease lease) =>
        lease.Owner is not null
        && _seen.TryGetValue(lease.Shard, out var seen)
        && seen.Owner == lease.Owner
        && seen.Counter == lease.Counter
        && _time.GetElapsedTime(seen.SeenAt) >= _duration;
}
