using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Frees shard leases (no owner, epoch moved on), so another instance takes them at once and the old holder's next
/// checkpoint write is fenced. Refuses, unless forced, a lease whose holder renewed it within the lease duration: that
/// holder is probably alive and reading. Each lease is freed only if it is still as read.
/// </summary>
internal sealed class LeaseReleaser
{
    private readonly IConfiguration _configuration;
    private readonly OperationsDatabase _database;
    private readonly TimeProvider _time;

    public LeaseReleaser(IConfiguration configuration, OperationsDatabase database, TimeProvider time)
    {
        _configuration = configuration;
        _database = database;
        _time = time;
    }

    public async Task<LeaseRelease> ReleaseAsync(LeaseReleaseRequest request, CancellationToken cancellationToken)
    {
        var (group, stream, shard, owner) = (request.ConsumerGroup, request.Stream, request.Shard, request.Owner);
        var duration = ShardLeaseTable.Duration(_configuration);
        var leases = (await ShardLeaseTable.ListAsync(_database, group, stream, cancellationToken).ConfigureAwait(false)
                ?? throw OperationException.NotFound($"There is no shard lease table (LogPipeShardLeases) in {_database.Description}."))
            .Where(l => shard is null || l.Shard == shard)
            .ToList();
        if (leases.Count == 0)
        {
            throw OperationException.NotFound(
                $"No lease of {(shard is null ? "any shard" : $"shard '{shard}'")} of stream '{stream}' for consumer group '{group}' in {_database.Description}.");
        }

        if (owner is not null && shard is not null && leases.TrueForAll(l => l.Owner != owner))
        {
            throw new OperationException(
                OperationFailure.Conflict, $"The lease of shard '{shard}' is held by {leases[0].Holder}, not by '{owner}': nothing was changed.");
        }

        var now = _time.GetUtcNow();
        var held = leases.Where(l => l.Owner is not null && (owner is null || l.Owner == owner)).ToList();
        var live = held.Where(l => now - l.LastRenewed < duration).ToList();
        if (live.Count > 0 && !request.Force)
        {
            var which = string.Join(", ", live.Select(l => string.Create(
                CultureInfo.InvariantCulture, $"'{l.Shard}' held by {l.Owner}, last renewed {OperatorTimestamp.Format(l.LastRenewed)} ({(now - l.LastRenewed).TotalSeconds:0.#} s ago)")));
            throw OperationException.RefusedUnlessForced(
                $"Refusing to free live leases: {which}: renewed within the lease duration ({ShardLeaseTable.DurationKey} = {duration}), judged by "
                + "the holder's last renewal time against this machine's clock, so the holder is probably still reading. Stop it first, or force "
                + "the release (its next checkpoint write is then fenced and it gives the shard up). Nothing was changed.");
        }

        var (freed, changed) = (new List<ShardLeaseStatus>(), new List<ShardLeaseStatus>());
        foreach (var lease in held)
        {
            var released = await _database.RunAsync(db => ShardLeaseTable.TryReleaseAsync(db, lease, now, cancellationToken), cancellationToken).ConfigureAwait(false);
            (released ? freed : changed).Add(lease);
        }

        return new LeaseRelease(
            [.. leases.Where(l => l.Owner is null)],
            [.. leases.Where(l => l.Owner is not null && owner is not null && l.Owner != owner)],
            freed,
            changed);
    }
}
