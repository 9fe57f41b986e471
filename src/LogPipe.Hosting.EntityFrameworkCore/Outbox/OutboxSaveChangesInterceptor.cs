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
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (NeedsTransaction(eventData) is { } pending) pending.OwnTransaction = eventData.Context!.Database.BeginTransaction();
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

    private static PendingOutboxEntries? NeedsTransaction(DbContextEventData eventData) =>
        eventData.Context is { } context && context.Database.CurrentTransaction is null && PendingOutboxEntries.Find(context) is { IsEmpty: false } pending
            ? pending
            : null;
}
