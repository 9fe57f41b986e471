using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The outbox records one DbContext instance holds for its next commit. Kept beside the context (not in its change
/// tracker), so they are inserted as the transaction's last statements, after the business rows' locks are held.
/// </summary>
/// <remarks>
/// A record sent inside a transaction lives and dies with that transaction: once it ended without a commit (rolled back,
/// or disposed, as a retrying execution strategy does before running the operation again), the record is dropped, so
/// the retried operation's own send is the only one. A record sent outside any transaction waits for the next commit and
/// survives a failed save, which may be retried. A pooled context's next lease starts with nothing pending.
/// </remarks>
internal sealed class PendingOutboxEntries
{
    private static readonly ConditionalWeakTable<DbContext, PendingOutboxEntries> ByContext = new();
    private readonly List<Pending> _records = [];
    private readonly Lock _lock = new();
    private Pending[] _inserted = [];
    private int _lease;

    private PendingOutboxEntries(int lease) => _lease = lease;

    /// <summary>The context's own setting while the outbox makes a save run in a transaction; null when it does not.</summary>
    public AutoTransactionBehavior? OverriddenBehavior { get; set; }

    /// <summary>
    /// Set for a save that may carry the records in its own command (see <see cref="OutboxSaveCommandInterceptor"/>): if
    /// EF Core runs the save as one command without a transaction, the records' INSERTs are appended to it.
    /// </summary>
    public bool CarriedBySaveCommand { get; set; }

    public static PendingOutboxEntries For(DbContext context)
    {
        var pending = ByContext.GetValue(context, static c => new PendingOutboxEntries(c.ContextId.Lease));
        pending.EnsureLease(context);
        return pending;
    }

    public static PendingOutboxEntries? Find(DbContext? context)
    {
        if (context is null || !ByContext.TryGetValue(context, out var pending)) return null;
        pending.EnsureLease(context);
        return pending;
    }

    /// <summary>Keeps <paramref name="records"/> for the next commit; <paramref name="transactionId"/> is the transaction they were sent in, if any.</summary>
    public void Add(IReadOnlyList<OutboxRecord> records, Guid? transactionId)
    {
        lock (_lock)
        {
            DropEnded(transactionId);
            foreach (var record in records) _records.Add(new Pending(record, transactionId));
        }
    }

    /// <summary>Whether a commit of <paramref name="transactionId"/> (null: a transaction not begun yet) would write records.</summary>
    public bool HasRecordsFor(Guid? transactionId)
    {
        lock (_lock)
        {
            DropEnded(transactionId);
            return _records.Count > 0;
        }
    }

    /// <summary>The records the committing transaction writes; they are dropped once it committed (<see cref="Committed"/>).</summary>
    public OutboxRecord[] Committing(Guid transactionId)
    {
        lock (_lock)
        {
            DropEnded(transactionId);
            _inserted = [.. _records];
            return Array.ConvertAll(_inserted, p => p.Record);
        }
    }

    /// <summary>The records a save's own command writes without a transaction; dropped once the save succeeded (<see cref="Committed"/>).</summary>
    public OutboxRecord[] CommittingInSaveCommand()
    {
        lock (_lock)
        {
            DropEnded(null);
            _inserted = [.. _records];
            return Array.ConvertAll(_inserted, p => p.Record);
        }
    }

    /// <summary>The save or transaction that was to write the records failed: they stay pending, none is written.</summary>
    public void NotCommitted()
    {
        lock (_lock) _inserted = [];
    }

    /// <summary>Drops the records the committed transaction wrote; true when there were any.</summary>
    public bool Committed()
    {
        lock (_lock)
        {
            if (_inserted.Length == 0) return false;
            var written = new HashSet<Pending>(_inserted, ReferenceEqualityComparer.Instance);
            _records.RemoveAll(written.Contains);
            _inserted = [];
            return true;
        }
    }

    /// <summary>The application rolled its transaction back: what was sent before or in it never happened.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
            _inserted = [];
        }
    }

    // Records of a transaction that is not the current one: that transaction ended without a commit (a commit removes them).
    private void DropEnded(Guid? current) => _records.RemoveAll(p => p.TransactionId is { } id && id != current);

    // A pooled context is reset and leased again: what the previous lease sent and never saved is not this lease's.
    private void EnsureLease(DbContext context)
    {
        var lease = context.ContextId.Lease;
        if (lease == Volatile.Read(ref _lease)) return;
        lock (_lock)
        {
            _lease = lease;
            _records.Clear();
            _inserted = [];
            OverriddenBehavior = null;
            CarriedBySaveCommand = false;
        }
    }

    private sealed record Pending(OutboxRecord Record, Guid? TransactionId);
}
