using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Inserts a context's pending outbox records as the last statements of its committing transaction, and wakes the relay
/// once it committed. Inserting at commit (not when <c>SendAsync</c> is called) makes <c>Id</c> order the commit order: a
/// later transaction blocked on a row lock the earlier one holds inserts its outbox rows only after that one committed.
/// </summary>
internal sealed class OutboxTransactionInterceptor(OutboxSignal signal, TimeProvider time) : DbTransactionInterceptor
{
    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await InsertAsync(transaction, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
#pragma warning disable CA2012 // Completes synchronously: the sync path runs no awaits.
        InsertAsync(transaction, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore CA2012
        return result;
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData);

    private async Task InsertAsync(DbTransaction transaction, TransactionEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is not { IsEmpty: false } pending) return;
        var records = pending.Snapshot();
        await OutboxInserter.InsertAsync(eventData.Context!, transaction, records, time.GetUtcNow(), async, cancellationToken).ConfigureAwait(false);
        pending.Inserted = records.Length;
    }

    private void Committed(TransactionEndEventData eventData)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is not { Inserted: > 0 } pending) return;
        pending.RemoveCommitted(pending.Inserted);
        pending.Inserted = 0;
        signal.Set();
    }

    private static void RolledBack(TransactionEndEventData eventData)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is not { } pending) return;
        if (pending.OwnTransaction is not null)
        {
            // The outbox's own transaction around a failed SaveChanges: the changes are still tracked and may be saved
            // again, so their records stay pending with them.
            pending.Inserted = 0;
            return;
        }

        // The application rolled its transaction back: what it sent in it never happened.
        pending.Clear();
    }
}
