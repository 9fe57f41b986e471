using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Gives <c>SaveChanges</c> a transaction when the context has outbox records and none is open: EF Core opens none for a
/// single statement or for no change at all, and the records are written when a transaction commits.
/// </summary>
internal sealed class OutboxSaveChangesInterceptor : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (NeedsTransaction(eventData) is { } pending)
        {
            pending.OwnTransaction = await eventData.Context!.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            EndOnConflict(eventData.Context, pending);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (NeedsTransaction(eventData) is { } pending)
        {
            pending.OwnTransaction = eventData.Context!.Database.BeginTransaction();
            EndOnConflict(eventData.Context, pending);
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is { OwnTransaction: { } transaction } pending)
        {
            try
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pending.OwnTransaction = null;
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is { OwnTransaction: { } transaction } pending)
        {
            try
            {
                transaction.Commit();
            }
            finally
            {
                pending.OwnTransaction = null;
                transaction.Dispose();
            }
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is { OwnTransaction: { } transaction } pending)
        {
            try
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pending.OwnTransaction = null;
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is { OwnTransaction: { } transaction } pending)
        {
            try
            {
                transaction.Rollback();
            }
            finally
            {
                pending.OwnTransaction = null;
                transaction.Dispose();
            }
        }
    }

    // A cancelled save is not reported to SaveChangesFailed (EF Core 7 on): without this the outbox's transaction stayed
    // open on the context after the exception, holding its locks until the context was disposed. Disposing rolls it back
    // without the save's token, which is cancelled already.
    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        if (PendingOutboxEntries.Find(eventData.Context) is { OwnTransaction: { } transaction } pending)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            pending.OwnTransaction = null;
        }
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => DisposeOwn(eventData.Context);

    /// <summary>
    /// A concurrency conflict is not reported to <c>SaveChangesFailed</c> either (EF Core 7 on), and its own hook,
    /// <c>ThrowingConcurrencyException</c>, runs while the failed command's reader is still open (Npgsql refuses a rollback
    /// then). The context's <see cref="DbContext.SaveChangesFailed"/> event comes after the reader is closed: there the
    /// transaction is ended, so the conflict does not keep SQLite's one write lock, or PostgreSQL's row locks, until the
    /// context is disposed, and a save retried on the same context starts a transaction of its own.
    /// </summary>
    private static void EndOnConflict(DbContext context, PendingOutboxEntries pending)
    {
        if (pending.ConflictHandled) return;
        pending.ConflictHandled = true;
        context.SaveChangesFailed += (_, e) =>
        {
            // An event handler has no async form; disposing the transaction is one ROLLBACK on its own connection.
            if (e.Exception is DbUpdateConcurrencyException) DisposeOwn(context);
        };
    }

    private static void DisposeOwn(DbContext? context)
    {
        if (PendingOutboxEntries.Find(context) is { OwnTransaction: { } transaction } pending)
        {
            transaction.Dispose();
            pending.OwnTransaction = null;
        }
    }

    private static PendingOutboxEntries? NeedsTransaction(DbContextEventData eventData) =>
        eventData.Context is { } context && context.Database.CurrentTransaction is null && PendingOutboxEntries.Find(context) is { IsEmpty: false } pending
            ? pending
            : null;
}
