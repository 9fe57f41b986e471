using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The one-relay-per-database lease: an optimistic <c>UPDATE … WHERE Name = 'outbox' AND (ExpiresAt &lt;= now OR Owner = me)</c>
/// that succeeds for one instance at a time, on any database. The row also keeps the database's outbox source id.
/// </summary>
internal static class OutboxLease
{
    public const string Name = "outbox";

    /// <summary>
    /// Takes or renews the lease for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="duration"/>.
    /// </summary>
    /// <returns>The outbox source id when <paramref name="owner"/> holds the lease, else <see langword="null"/>.</returns>
    public static async Task<string?> TryTakeAsync(DbContext db, string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var until = nowMs + (long)duration.TotalMilliseconds;
        var leases = db.Set<LogPipeOutboxLease>();
        var taken = await leases
            .Where(l => l.Name == Name && (l.ExpiresAtUnixMs <= nowMs || l.Owner == owner))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAtUnixMs, until), cancellationToken)
            .ConfigureAwait(false);
        if (taken == 1) return await SourceIdAsync(db, cancellationToken).ConfigureAwait(false);
        if (await leases.AnyAsync(l => l.Name == Name, cancellationToken).ConfigureAwait(false)) return null;

        // The first relay of this database: create the row, and with it the source id all instances share.
        var lease = new LogPipeOutboxLease { Name = Name, Owner = owner, ExpiresAtUnixMs = until, SourceId = Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture) };
        leases.Add(lease);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return lease.SourceId;
        }
        catch (DbUpdateException)
        {
            // Another instance created it at the same moment and holds it now.
            db.ChangeTracker.Clear();
            return null;
        }
    }

    /// <summary>Lets another instance take the lease at once (on a clean stop).</summary>
    public static Task ReleaseAsync(DbContext db, string owner, CancellationToken cancellationToken) =>
        db.Set<LogPipeOutboxLease>().Where(l => l.Name == Name && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUnixMs, 0L), cancellationToken);

    /// <summary>The database's outbox source id, or <see langword="null"/> while no relay ever ran.</summary>
    public static Task<string?> SourceIdAsync(DbContext db, CancellationToken cancellationToken) =>
        db.Set<LogPipeOutboxLease>().Where(l => l.Name == Name).Select(l => l.SourceId).FirstOrDefaultAsync(cancellationToken)!;
}
