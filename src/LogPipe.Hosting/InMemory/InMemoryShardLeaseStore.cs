using System.Globalization;
using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.InMemory;

/// <summary>
/// Shard leases in process memory, for the in-memory checkpoint store: the same conditional changes as the database's
/// lease table, for the readers of one process (tests, development). The store checks them when it commits.
/// </summary>
internal sealed class InMemoryShardLeaseStore : IShardLeaseStore
{
    private readonly object _lock = new();
    private readonly Dictionary<PartitionKey, ShardLease> _leases = [];
    private readonly Dictionary<PartitionKey, long> _held = [];
    private readonly HashSet<(string Transport, string Stream)> _leased = [];

    public string Owner { get; } = string.Create(CultureInfo.InvariantCulture, $"in-memory/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");

    public Task<IReadOnlyList<ShardLease>> ListAsync(string transport, string stream, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<ShardLease>>([.. _leases.Values.Where(l => l.Shard.Transport == transport && l.Shard.Stream == stream)]);
    }

    public Task AddAsync(IReadOnlyCollection<PartitionKey> shards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shards);
        lock (_lock)
        {
            foreach (var shard in shards)
            {
                _leased.Add((shard.Transport, shard.Stream));
                _leases.TryAdd(shard, new ShardLease(shard, null, 0, 0, false));
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryTakeAsync(ShardLease observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observed);
        lock (_lock)
        {
            if (!_leases.TryGetValue(observed.Shard, out var lease) || lease.Owner != observed.Owner || lease.Counter != observed.Counter || lease.Finished) return Task.FromResult(false);
            _leases[observed.Shard] = lease with { Owner = Owner, Counter = lease.Counter + 1, Epoch = lease.Epoch + 1, WantedBy = null };
            _held[observed.Shard] = lease.Epoch + 1;
            return Task.FromResult(true);
        }
    }

    public Task<bool> RequestAsync(ShardLease observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observed);
        lock (_lock)
        {
            if (!_leases.TryGetValue(observed.Shard, out var lease) || lease.Owner is null || lease.Owner != observed.Owner || lease.Counter != observed.Counter || lease.Finished) return Task.FromResult(false);
            _leases[observed.Shard] = lease with { WantedBy = Owner };
            return Task.FromResult(true);
        }
    }

    public Task<bool> RenewAsync(PartitionKey shard, CancellationToken cancellationToken) =>
        Task.FromResult(Change(shard, l => l with { Counter = l.Counter + 1 }, keepHeld: true));

    public Task ReleaseAsync(PartitionKey shard, CancellationToken cancellationToken) =>
        Task.FromResult(Change(shard, l => l with { Owner = null, Counter = l.Counter + 1, WantedBy = null }, keepHeld: false));

    public Task<bool> FinishAsync(PartitionKey shard, CancellationToken cancellationToken) =>
        Task.FromResult(Change(shard, l => l with { Owner = null, Counter = l.Counter + 1, Finished = true, WantedBy = null }, keepHeld: false));

    public bool Holds(PartitionKey shard)
    {
        lock (_lock) return _held.ContainsKey(shard);
    }

    public bool IsLeased(string transport, string stream)
    {
        lock (_lock) return _leased.Contains((transport, stream));
    }

    /// <summary>The partitions of leased streams whose lease this instance does not hold: their checkpoint must not be written.</summary>
    public List<PartitionKey> NotHeld(IEnumerable<PartitionKey> partitions)
    {
        lock (_lock) return [.. partitions.Where(p => _leased.Contains((p.Transport, p.Stream)) && !_held.ContainsKey(p))];
    }

    /// <summary>Changes a lease this instance holds (same owner and epoch); forgets it unless <paramref name="keepHeld"/>.</summary>
    private bool Change(PartitionKey shard, Func<ShardLease, ShardLease> change, bool keepHeld)
    {
        lock (_lock)
        {
            var held = _held.TryGetValue(shard, out var epoch) && _leases.TryGetValue(shard, out var lease) && lease.Owner == Owner && lease.Epoch == epoch;
            if (held) _leases[shard] = change(_leases[shard]);
            if (!held || !keepHeld) _held.Remove(shard);
            return held;
        }
    }
}
