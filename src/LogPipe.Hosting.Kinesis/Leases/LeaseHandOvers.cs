using LogPipe.Hosting.Checkpoints;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Leases;

/// <summary>
/// Graceful hand-over of leases taken to balance the shards, both ways. The taking instance asks the holder
/// (<see cref="IShardLeaseStore.RequestAsync"/>) instead of taking the lease; the holder, at its next round, stops reading
/// the shard (its queued records are dropped), lets its units commit what they took of it, and releases the lease, so the
/// taker starts from that checkpoint and no record is read by both. Only when the holder has not released within the
/// lease duration (it hangs, or cannot reach the database) does the taker take the lease anyway, fencing the holder out.
/// </summary>
internal sealed class LeaseHandOvers
{
    private readonly IShardLeaseStore _store;
    private readonly string _stream;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseHandOverHooks _hooks;
    private readonly Dictionary<string, (string Holder, long Since)> _asked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string To, long Since)> _giving = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string To, long At)> _given = new(StringComparer.Ordinal);
    private volatile bool _anyGiving;

    public LeaseHandOvers(IShardLeaseStore store, string stream, TimeSpan duration, TimeProvider time, ILogger logger, LeaseHandOverHooks hooks)
    {
        _store = store;
        _stream = stream;
        _duration = duration;
        _time = time;
        _logger = logger;
        _hooks = hooks;
    }

    /// <summary>The leases this instance is handing over: still held (renewed, fencing its units' commits) but not read.</summary>
    public IReadOnlyCollection<string> Giving => _giving.Keys;

    /// <summary>Whether a lease is being handed over (read from any thread).</summary>
    public bool AnyGiving => _anyGiving;

    /// <summary>
    /// Starts handing over the held leases another instance asked for (<paramref name="held"/> loses them: they are no
    /// longer read), and forgets requests this instance made whose lease changed hands meanwhile.
    /// </summary>
    public async Task NoticeAsync(IReadOnlyList<ShardLease> leases, HashSet<string> held)
    {
        foreach (var lease in leases)
        {
            var shard = lease.Shard.Partition;
            if (_asked.TryGetValue(shard, out var asked) && lease.Owner != asked.Holder) _asked.Remove(shard);
            if (lease.Owner != _store.Owner || lease.WantedBy is not { } wantedBy || wantedBy == _store.Owner || _giving.ContainsKey(shard)) continue;
            lock (held)
            {
                if (!held.Remove(shard)) continue;
            }

            _giving[shard] = (wantedBy, _time.GetTimestamp());
            _anyGiving = true;
            KinesisLog.LeaseHandOverStarted(_logger, _stream, shard, wantedBy);
            await _hooks.StopReadingAsync(shard).ConfigureAwait(false);
        }
    }

    /// <summary>A lease being handed over was lost (taken by force meanwhile): nothing left to hand over.</summary>
    public void Lost(string shard)
    {
        _giving.Remove(shard);
        _anyGiving = _giving.Count > 0;
    }

    /// <summary>
    /// Releases the leases being handed over whose records taken to units are all committed — or, after half the lease
    /// duration, anyway (a unit that rolled back put them back; the taker reads them again from the checkpoint).
    /// </summary>
    public async Task ReleaseCommittedAsync(Func<string, PartitionKey> key, CancellationToken cancellationToken)
    {
        foreach (var (shard, (to, since)) in _giving.ToList())
        {
            var committed = _hooks.IsCommitted(shard);
            if (!committed && _time.GetElapsedTime(since) < _duration / 2) continue;
            await _store.ReleaseAsync(key(shard), cancellationToken).ConfigureAwait(false);
            _giving.Remove(shard);
            _anyGiving = _giving.Count > 0;
            _given[shard] = (to, _time.GetTimestamp());
            _hooks.Released(shard);
            KinesisLog.LeaseHandedOver(_logger, _stream, shard, committed ? "every record taken from it is committed" : "not all it took was committed within half the lease duration");
        }
    }

    /// <summary>
    /// A lease as this instance's balancer should see it: one it handed over and that is still free counts as held by the
    /// instance that asked for it, for the lease duration — that instance may hold nothing else yet, so this one would
    /// not count it and would take the lease straight back.
    /// </summary>
    public ShardLease AsSeen(ShardLease lease)
    {
        var shard = lease.Shard.Partition;
        if (!_given.TryGetValue(shard, out var given)) return lease;
        // Still ours in a listing read before the release; anyone else's once taken.
        if ((lease.Owner is not null && lease.Owner != _store.Owner) || _time.GetElapsedTime(given.At) >= _duration)
        {
            _given.Remove(shard);
            return lease;
        }

        return lease with { Owner = given.To };
    }

    /// <summary>
    /// For a lease the balancer would take from a busier instance: whether to take it now. The first time the holder is
    /// asked instead (<see langword="false"/>); while it may still hand over, <see langword="false"/>; once the lease
    /// duration has passed since asking, or when the store cannot record the request, <see langword="true"/>.
    /// </summary>
    public async Task<bool> TakeNowAsync(ShardLease lease, CancellationToken cancellationToken)
    {
        var shard = lease.Shard.Partition;
        if (_asked.TryGetValue(shard, out var asked) && asked.Holder == lease.Owner) return _time.GetElapsedTime(asked.Since) >= _duration;
        if (!await _store.RequestAsync(lease, cancellationToken).ConfigureAwait(false)) return true;
        _asked[shard] = (lease.Owner!, _time.GetTimestamp());
        KinesisLog.LeaseRequested(_logger, _stream, shard, lease.Owner!, _store.Owner);
        return false;
    }
}
