using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Reads of the outbox shared by the health check and the operators' view.</summary>
internal static class OutboxQueries
{
    public static async Task<OutboxStatistics> StatsAsync(DbContext db, CancellationToken cancellationToken)
    {
        var entries = db.Set<LogPipeOutboxEntry>().AsNoTracking();
        var backlog = await entries.LongCountAsync(e => e.SetAsideAt == null, cancellationToken).ConfigureAwait(false);
        var setAside = await entries.LongCountAsync(e => e.SetAsideAt != null, cancellationToken).ConfigureAwait(false);
        var oldest = backlog == 0
            ? null
            : await entries.Where(e => e.SetAsideAt == null).OrderBy(e => e.Id).Select(e => (DateTimeOffset?)e.CreatedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var lease = await db.Set<LogPipeOutboxLease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == OutboxLease.Name, cancellationToken).ConfigureAwait(false);
        return new OutboxStatistics(backlog, setAside, oldest, lease?.SourceId, lease?.Owner,
            lease is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(lease.ExpiresAtUnixMs));
    }
}
