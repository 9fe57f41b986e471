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
        if (PendingOutboxEntries.Find(eventData.Context) is not { } pending) return;
        var records = pending.Committing(eventData.TransactionId);
        if (records.Length == 0) return;
        await OutboxInserter.InsertAsync(eventData.Context!, transaction, records, time.GetUtcNow(), async, cancellationToken).ConfigureAwait(false);
    }

    private void Committed(TransactionEndEventData eventData)
    {
        if (PendingOutboxEntries.Find(eventData.Context)?.Committed() == true) signal.Set();
    }

    // Only the application rolls back: the transaction EF Core (or the outbox) opens for a save is disposed when the save
    // fails, and the records sent outside it stay pending for the save to be tried again.
    private static void RolledBack(TransactionEndEventData eventData) => PendingOutboxEntries.Find(eventData.Context)?.Clear();
}
