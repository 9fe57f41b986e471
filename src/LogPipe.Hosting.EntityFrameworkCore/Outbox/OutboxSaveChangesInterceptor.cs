using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Makes a <c>SaveChanges</c> without a transaction commit the context's outbox records: the records are written when a
/// transaction commits, and EF Core opens none for a single statement or for no change at all.
/// </summary>
/// <remarks>
/// The save is not given a transaction begun here: a retrying execution strategy (<c>EnableRetryOnFailure</c>) refuses
/// a transaction begun outside it. Instead the save's <see cref="AutoTransactionBehavior"/> is <c>Always</c> while records
/// are pending, so EF Core begins the transaction inside its execution strategy, and a retried save runs in a new one
/// (the failed one is rolled back, with the records it wrote). A save with nothing to save commits the records in a
/// transaction of their own, run by the context's execution strategy too.
/// On PostgreSQL a save of inserts alone keeps its setting: if EF Core runs it as one command without a transaction,
/// <see cref="OutboxSaveCommandInterceptor"/> appends the records to that command (one round trip, one implicit transaction).
/// </remarks>
internal sealed class OutboxSaveChangesInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    private const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Saving(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Saving(eventData.Context);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Saved(eventData.Context, signal) is { } context)
        {
            var strategy = context.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(
                context,
                static async (context, token) =>
                {
                    var transaction = await context.Database.BeginTransactionAsync(token).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await transaction.CommitAsync(token).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Saved(eventData.Context, signal) is { } context)
        {
            context.Database.CreateExecutionStrategy().Execute(context, static context =>
            {
                using var transaction = context.Database.BeginTransaction();
                transaction.Commit();
            });
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Restore(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Restore(eventData.Context);

    private static void Saving(DbContext? context)
    {
        // A concurrency conflict is reported to no interceptor (EF Core 7 on): a setting left changed by one is put back here.
        Restore(context);
        if (context is null || context.Database.CurrentTransaction is not null) return;
        if (PendingOutboxEntries.Find(context) is not { } pending || !pending.HasRecordsFor(null)) return;
        if (context.Database.AutoTransactionBehavior == AutoTransactionBehavior.WhenNeeded && context.Database.ProviderName == NpgsqlProvider && InsertsOnly(context))
        {
            pending.CarriedBySaveCommand = true;
            return;
        }

        pending.OverriddenBehavior = context.Database.AutoTransactionBehavior;
        context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    /// <summary>
    /// Whether the save writes new rows only: each statement then either inserts or fails the whole command. An UPDATE or
    /// DELETE that finds no row fails nothing on the server; EF Core reports the conflict after the command committed.
    /// </summary>
    private static bool InsertsOnly(DbContext context)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Modified or EntityState.Deleted:
                // An owned entity sharing its owner's row (or JSON column) is saved with an UPDATE of that row.
                case EntityState.Added when entry.Metadata.IsOwned() || entry.Metadata.GetInsertStoredProcedure() is not null:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The context, when its save committed no transaction (nothing to save) and records still wait for one.</summary>
    private static DbContext? Saved(DbContext? context, OutboxSignal signal)
    {
        // Records the save's own command carried committed with it.
        if (PendingOutboxEntries.Find(context) is { CarriedBySaveCommand: true } carried && carried.Committed()) signal.Set();
        Restore(context);
        return context is not null && context.Database.CurrentTransaction is null && PendingOutboxEntries.Find(context) is { } pending && pending.HasRecordsFor(null)
            ? context
            : null;
    }

    private static void Restore(DbContext? context)
    {
        if (PendingOutboxEntries.Find(context) is not { } pending) return;
        if (pending.CarriedBySaveCommand)
        {
            // A save that failed (or a conflict reported to no interceptor): what its command carried was rolled back with it.
            pending.NotCommitted();
            pending.CarriedBySaveCommand = false;
        }

        if (pending.OverriddenBehavior is { } behavior)
        {
            context!.Database.AutoTransactionBehavior = behavior;
            pending.OverriddenBehavior = null;
        }
    }
}
