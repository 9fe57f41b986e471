using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Reads of the outbox shared by the health check and the operators' view.</summary>
internal static class OutboxQueries
{
    /// <summary>The outbox entries: set-aside ones only (<see langword="true"/>), waiting ones only (<see langword="false"/>), or all.</summary>
    public static IQueryable<LogPipeOutboxEntry> Entries(DbContext db, bool? setAside)
    {
        var query = db.Set<LogPipeOutboxEntry>().AsNoTracking();
        return setAside switch
        {
            true => query.Where(e => e.SetAsideAt != null),
            false => query.Where(e => e.SetAsideAt == null),
            null => query,
        };
    }

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
