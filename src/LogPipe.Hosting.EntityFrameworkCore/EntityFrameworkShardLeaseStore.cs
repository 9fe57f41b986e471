using System.Collections.Concurrent;
using System.Globalization;
using LogPipe.Hosting.Checkpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Shard leases in the application's database (<see cref="LogPipeShardLease"/>), each change one conditional
/// <c>UPDATE</c> that works the same on every provider. Expiry is not judged here: the lease counter moves on with every
/// renewal and the readers watch it on their own clocks. <see cref="FenceAsync"/> makes a unit of work's checkpoint writes
/// conditional on the lease in the same transaction.
/// </summary>
/// <typeparam name="TDbContext">The application's DbContext, with <c>ApplyLogPipeConfiguration()</c> in its model.</typeparam>
internal sealed class EntityFrameworkShardLeaseStore<TDbContext> : IShardLeaseStore, IShardLeaseFence
    where TDbContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;
    private readonly string _group;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<PartitionKey, long> _held = new();
    private readonly ConcurrentDictionary<(string Transport, string Stream), bool> _leased = new();

    public EntityFrameworkShardLeaseStore(IServiceScopeFactory scopes, string consumerGroup, TimeProvider time)
    {
        _scopes = scopes;
        _group = consumerGroup;
        _time = time;
        Owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");
    }

    public string Owner { get; }

    public bool Holds(PartitionKey shard) => _held.ContainsKey(shard);

    public bool IsLeased(string transport, string stream) => _leased.ContainsKey((transport, stream));

    public Task<IReadOnlyList<ShardLease>> ListAsync(string transport, string stream, CancellationToken cancellationToken) =>
        WithContextAsync<IReadOnlyList<ShardLease>>(async db =>
        {
            var rows = await Rows(db, transport, stream).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.ConvertAll(r => new ShardLease(new PartitionKey(r.Transport, r.Stream, r.Shard), r.Owner, r.LeaseCounter, r.Epoch, r.Finished) { WantedBy = r.WantedBy });
        });

    public Task AddAsync(IReadOnlyCollection<PartitionKey> shards, CancellationToken cancellationToken) =>
        WithContextAsync(async db =>
        {
            foreach (var stream in shards.GroupBy(s => (s.Transport, s.Stream)))
            {
                _leased[stream.Key] = true;
                var known = await Rows(db, stream.Key.Transport, stream.Key.Stream).Select(r => r.Shard).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var shard in stream.Where(s => !known.Contains(s.Partition)))
                {
                    db.Set<LogPipeShardLease>().Add(new LogPipeShardLease
                    {
                        ConsumerGroup = _group,
                        Transport = shard.Transport,
                        Stream = shard.Stream,
                        Shard = shard.Partition,
                        UpdatedAt = _time.GetUtcNow(),
                    });
                    try
                    {
                        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (DbUpdateException)
                    {
                        // Another instance added it at the same moment: it exists, free or taken, which is all that was wanted.
                    }

                    db.ChangeTracker.Clear();
                }
            }

            return true;
        });

    public Task<bool> TryTakeAsync(ShardLease observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return WithContextAsync(async db =>
        {
            var now = _time.GetUtcNow();
            var taken = await Row(db, observed.Shard)
                .Where(r => r.Owner == observed.Owner && r.LeaseCounter == observed.Counter && !r.Finished)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(r => r.Owner, Owner).SetProperty(r => r.LeaseCounter, r => r.LeaseCounter + 1).SetProperty(r => r.Epoch, r => r.Epoch + 1).SetProperty(r => r.WantedBy, (string?)null).SetProperty(r => r.UpdatedAt, now),
                    cancellationToken).ConfigureAwait(false);
            if (taken == 1) _held[observed.Shard] = observed.Epoch + 1;
            return taken == 1;
        });
    }

    public Task<bool> RequestAsync(ShardLease observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return WithContextAsync(async db =>
        {
            var requested = await Row(db, observed.Shard)
                .Where(r => r.Owner != null && r.Owner == observed.Owner && r.LeaseCounter == observed.Counter && !r.Finished)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.WantedBy, Owner), cancellationToken).ConfigureAwait(false);
            return requested == 1;
        });
    }

    public Task<bool> RenewAsync(PartitionKey shard, CancellationToken cancellationToken) =>
        WithContextAsync(async db =>
        {
            if (!_held.TryGetValue(shard, out var epoch)) return false;
            var now = _time.GetUtcNow();
            var renewed = await Row(db, shard)
                .Where(r => r.Owner == Owner && r.Epoch == epoch)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseCounter, r => r.LeaseCounter + 1).SetProperty(r => r.UpdatedAt, now), cancellationToken)
                .ConfigureAwait(false);
            if (renewed == 0) _held.TryRemove(shard, out _);
            return renewed == 1;
        });

    public Task ReleaseAsync(PartitionKey shard, CancellationToken cancellationToken) =>
        WithContextAsync(async db =>
        {
            // Forgotten first: a unit of work still committing is fenced out from now on.
            _held.TryRemove(shard, out _);
            var now = _time.GetUtcNow();
            await Row(db, shard)
                .Where(r => r.Owner == Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Owner, (string?)null).SetProperty(r => r.WantedBy, (string?)null).SetProperty(r => r.LeaseCounter, r => r.LeaseCounter + 1).SetProperty(r => r.UpdatedAt, now), cancellationToken)
                .ConfigureAwait(false);
            return true;
        });

    public Task<bool> FinishAsync(PartitionKey shard, CancellationToken cancellationToken) =>
        WithContextAsync(async db =>
        {
            if (!_held.TryRemove(shard, out var epoch)) return false;
            var now = _time.GetUtcNow();
            var finished = await Row(db, shard)
                .Where(r => r.Owner == Owner && r.Epoch == epoch)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(r => r.Owner, (string?)null).SetProperty(r => r.WantedBy, (string?)null).SetProperty(r => r.Finished, true).SetProperty(r => r.LeaseCounter, r => r.LeaseCounter + 1).SetProperty(r => r.UpdatedAt, now),
                    cancellationToken).ConfigureAwait(false);
            return finished == 1;
        });

    /// <summary>
    /// In a unit of work's transaction: for each partition of a leased stream, checks that this instance still holds its
    /// lease, with a write to the lease's row so that a concurrent take waits for this transaction (or this one for it).
    /// </summary>
    /// <returns>
    /// The partitions whose lease this instance does not hold: their checkpoint must not be written. A lease found taken is
    /// forgotten (<see cref="Holds"/> says so from now on).
    /// </returns>
    public async Task<List<PartitionKey>> FenceAsync(DbContext db, IEnumerable<PartitionKey> partitions, CancellationToken cancellationToken)
    {
        var lost = new List<PartitionKey>();
        foreach (var partition in partitions)
        {
            if (!IsLeased(partition.Transport, partition.Stream)) continue;
            if (!_held.TryGetValue(partition, out var epoch))
            {
                lost.Add(partition);
                continue;
            }

            var held = await Row(db, partition)
                .Where(r => r.Owner == Owner && r.Epoch == epoch)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Epoch, r => r.Epoch), cancellationToken)
                .ConfigureAwait(false);
            if (held == 0)
            {
                // Taken by another instance: forgotten now, so the reader drops the shard at once instead of at its next renewal.
                _held.TryRemove(KeyValuePair.Create(partition, epoch));
                lost.Add(partition);
            }
        }

        return lost;
    }

    private IQueryable<LogPipeShardLease> Rows(DbContext db, string transport, string stream) =>
        db.Set<LogPipeShardLease>().Where(r => r.ConsumerGroup == _group && r.Transport == transport && r.Stream == stream);

    private IQueryable<LogPipeShardLease> Row(DbContext db, PartitionKey shard) =>
        Rows(db, shard.Transport, shard.Stream).Where(r => r.Shard == shard.Partition);

    private async Task<T> WithContextAsync<T>(Func<TDbContext, Task<T>> action)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        return await action(scope.ServiceProvider.GetRequiredService<TDbContext>()).ConfigureAwait(false);
    }
}
