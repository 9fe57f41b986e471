using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The outbox records one DbContext instance holds for its next commit. Kept beside the context (not in its change
/// tracker), so they are inserted as the transaction's last statements, after the business rows' locks are held.
/// </summary>
internal sealed class PendingOutboxEntries
{
    private static readonly ConditionalWeakTable<DbContext, PendingOutboxEntries> ByContext = new();
    private readonly List<OutboxRecord> _records = [];
    private readonly Lock _lock = new();

    /// <summary>The transaction the outbox opened for a <c>SaveChanges</c> that would have run without one, if any.</summary>
    public IDbContextTransaction? OwnTransaction { get; set; }

    /// <summary>Whether the context's <c>SaveChangesFailed</c> event already ends the outbox's transaction on a concurrency conflict.</summary>
    public bool ConflictHandled { get; set; }

    /// <summary>How many records the running commit inserted; they are dropped once it committed.</summary>
    public int Inserted { get; set; }

    public static PendingOutboxEntries For(DbContext context) => ByContext.GetValue(context, static _ => new PendingOutboxEntries());

    public static PendingOutboxEntries? Find(DbContext? context) =>
        context is not null && ByContext.TryGetValue(context, out var pending) ? pending : null;

    public bool IsEmpty
    {
        get
        {
            lock (_lock) return _records.Count == 0;
        }
    }

    public void Add(IReadOnlyList<OutboxRecord> records)
    {
        lock (_lock) _records.AddRange(records);
    }

    public OutboxRecord[] Snapshot()
    {
        lock (_lock) return [.. _records];
    }

    /// <summary>Drops the first <paramref name="count"/> records: the ones a commit wrote.</summary>
    public void RemoveCommitted(int count)
    {
        lock (_lock) _records.RemoveRange(0, Math.Min(count, _records.Count));
    }

    public void Clear()
    {
        lock (_lock) _records.Clear();
        Inserted = 0;
    }
}
