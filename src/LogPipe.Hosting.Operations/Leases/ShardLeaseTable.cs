using System.Globalization;

using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The service's shard lease table (<c>LogPipeShardLeases</c>) as the operator layer reads and changes it: through the library's
/// own mapping, every change one conditional <c>UPDATE</c> like the library's lease store makes.
/// </summary>
internal static class ShardLeaseTable
{
    /// <summary>The setting the service reads its lease duration from.</summary>
    public const string DurationKey = "LogPipe:Kinesis:Leases:Duration";

    /// <summary>The library's default of <see cref="DurationKey"/>.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);

    /// <summary>The lease rows, filtered when a filter is given; <see langword="null"/> when the database has no lease table.</summary>
    public static Task<List<ShardLeaseStatus>?> ListAsync(OperationsDatabase database, string? group, string? stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.RunIfTableExistsAsync(
            async db =>
            {
                var query = db.Set<LogPipeShardLease>().AsNoTracking();
                if (group is not null) query = query.Where(r => r.ConsumerGroup == group);
                if (stream is not null) query = query.Where(r => r.Stream == stream);
                var rows = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
                return rows
                    .Select(r => new ShardLeaseStatus(r.ConsumerGroup, r.Transport, r.Stream, r.Shard, r.Owner, r.LeaseCounter, r.Epoch, r.Finished, r.UpdatedAt) { WantedBy = r.WantedBy })
                    .OrderBy(r => r.ConsumerGroup, StringComparer.Ordinal)
                    .ThenBy(r => r.Transport, StringComparer.Ordinal)
                    .ThenBy(r => r.Stream, StringComparer.Ordinal)
                    .ThenBy(r => r.Shard, StringComparer.Ordinal)
                    .ToList();
            },
            cancellationToken);
    }

    /// <summary>
    /// Frees <paramref name="observed"/> if it is still exactly as read (same owner, counter and epoch): no owner, and the
    /// counter and the epoch move on, so the old holder's next renewal and checkpoint write are fenced.
    /// </summary>
    /// <returns>Whether it was freed (<see langword="false"/>: someone renewed, took or released it since it was read).</returns>
    public static async Task<bool> TryReleaseAsync(DbContext db, ShardLeaseStatus observed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(observed);
        var released = await db.Set<LogPipeShardLease>()
            .Where(r => r.ConsumerGroup == observed.ConsumerGroup && r.Transport == observed.Transport && r.Stream == observed.Stream && r.Shard == observed.Shard)
            .Where(r => r.Owner == observed.Owner && r.LeaseCounter == observed.Counter && r.Epoch == observed.Epoch)
            .ExecuteUpdateAsync(
                s => s.SetProperty(r => r.Owner, (string?)null)
                    .SetProperty(r => r.LeaseCounter, r => r.LeaseCounter + 1)
                    .SetProperty(r => r.Epoch, r => r.Epoch + 1)
                    .SetProperty(r => r.UpdatedAt, now),
                cancellationToken).ConfigureAwait(false);
        return released == 1;
    }

    /// <summary>The lease duration the service is configured with (<see cref="DurationKey"/>, else the library's default).</summary>
    /// <exception cref="OperationException">The setting is not a positive time span (InvalidRequest).</exception>
    public static TimeSpan Duration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Setting(DurationKey) is not { } text) return DefaultDuration;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw OperationException.Invalid($"{DurationKey} is '{text}', which is not a positive time span such as 00:00:10.");
    }
}
