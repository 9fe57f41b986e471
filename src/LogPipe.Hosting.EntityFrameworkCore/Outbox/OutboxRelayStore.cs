using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>The relay's statements on the outbox table: read a batch after a cursor, delete, count a failure, set aside.</summary>
internal static class OutboxRelayStore
{
    /// <summary>A cursor before every id: reads from the head of the outbox.</summary>
    public const long Head = long.MinValue;

    /// <summary>
    /// The entries with an id above <paramref name="after"/>, in id order, set-aside ones included (the caller skips them).
    /// Only the primary key is in the predicate, so the planner reads the primary key's index in order, with statistics or
    /// without: a <c>SetAsideAt IS NULL</c> filter, estimated at 0.5% of a table never analysed, made PostgreSQL scan the
    /// whole table and sort it for every batch.
    /// </summary>
    public static Task<List<LogPipeOutboxEntry>> ReadAfterAsync(DbContext db, long after, int count, CancellationToken cancellationToken) =>
        db.Set<LogPipeOutboxEntry>().AsNoTracking()
            .Where(e => e.Id > after)
            .OrderBy(e => e.Id)
            .Take(count)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Like <see cref="ReadAfterAsync"/>, leaving out the ids from <paramref name="first"/> to <paramref name="last"/>
    /// (the batch in flight): still one scan of the primary key's index from the head.
    /// </summary>
    public static Task<List<LogPipeOutboxEntry>> ReadOutsideAsync(DbContext db, long after, long first, long last, int count, CancellationToken cancellationToken) =>
        db.Set<LogPipeOutboxEntry>().AsNoTracking()
            .Where(e => e.Id > after && (e.Id < first || e.Id > last))
            .OrderBy(e => e.Id)
            .Take(count)
            .ToListAsync(cancellationToken);

    /// <summary>How many entries (set-aside ones included) have an id from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static Task<int> CountBetweenAsync(DbContext db, long first, long last, CancellationToken cancellationToken) =>
        db.Set<LogPipeOutboxEntry>().CountAsync(e => e.Id >= first && e.Id <= last, cancellationToken);

    /// <summary>
    /// Deletes exactly these entries (one statement, <paramref name="rows"/> in id order). Contiguous ids are deleted as
    /// one id range, one index range instead of a lookup per id: no other entry can have an id in it. Otherwise by the
    /// list of ids: a range with a gap could hold a lower id committed late and not sent.
    /// </summary>
    public static Task DeleteAsync(DbContext db, IReadOnlyList<LogPipeOutboxEntry> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return Task.CompletedTask;
        long first = rows[0].Id, last = rows[^1].Id;
        if (IsRange(rows))
        {
            return db.Set<LogPipeOutboxEntry>().Where(e => e.Id >= first && e.Id <= last).ExecuteDeleteAsync(cancellationToken);
        }

        var ids = new long[rows.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = rows[i].Id;
        return db.Set<LogPipeOutboxEntry>().Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Whether the entries' ids are one run of consecutive numbers, in order.</summary>
    private static bool IsRange(IReadOnlyList<LogPipeOutboxEntry> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].Id != rows[0].Id + i) return false;
        }

        return true;
    }

    /// <summary>Counts a failed send on each entry and keeps its reason.</summary>
    public static Task CountFailureAsync(DbContext db, IReadOnlyList<LogPipeOutboxEntry> rows, string error, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.Id).ToList();
        error = Truncate(error);
        return db.Set<LogPipeOutboxEntry>().Where(e => ids.Contains(e.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Attempts, e => e.Attempts + 1).SetProperty(e => e.LastError, error), cancellationToken);
    }

    /// <summary>Sets the entry aside with its reason: it is not sent again.</summary>
    public static Task SetAsideAsync(DbContext db, long id, DateTimeOffset now, string error, CancellationToken cancellationToken) =>
        db.Set<LogPipeOutboxEntry>().Where(e => e.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.SetAsideAt, now).SetProperty(e => e.LastError, error).SetProperty(e => e.Attempts, e => e.Attempts + 1), cancellationToken);

    /// <summary>Fits an error into the <c>LastError</c> column (2,000 characters).</summary>
    public static string Truncate(string error) => error.Length <= 2000 ? error : error[..1997] + "...";
}
