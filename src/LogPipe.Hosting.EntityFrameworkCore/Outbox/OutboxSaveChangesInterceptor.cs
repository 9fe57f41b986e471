using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

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
/// On SQLite such a save holds the process's <see cref="SqliteWriteGate"/> from before its transaction begins until after
/// it committed (unless <see cref="OutboxOptions.SqliteWriteGate"/> is off).
/// </remarks>
internal sealed class OutboxSaveChangesInterceptor(OutboxSignal signal, bool writeGate, ILogger logger) : SaveChangesInterceptor
{
    private const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>The write gate each saving context holds, from <c>SavingChanges</c> until its save ended.</summary>
    private static readonly ConditionalWeakTable<DbContext, SqliteWriteGateHold> Held = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Saving(eventData.Context) && writeGate) await EnterGateAsync(eventData.Context!, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
#pragma warning disable CA2012 // Completes synchronously: the sync path runs no awaits.
        if (Saving(eventData.Context) && writeGate) EnterGateAsync(eventData.Context!, async: false, CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore CA2012
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        try
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
        }
        finally
        {
            ReleaseGate(eventData.Context);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        try
        {
            if (Saved(eventData.Context, signal) is { } context)
            {
                context.Database.CreateExecutionStrategy().Execute(context, static context =>
                {
                    using var transaction = context.Database.BeginTransaction();
                    transaction.Commit();
                });
            }
        }
        finally
        {
            ReleaseGate(eventData.Context);
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Ended(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Ended(eventData.Context);

    // The save's transaction is still open here (EF Core disposes it as the exception leaves SaveChanges), so the next
    // writer in the gate may meet SQLite's lock once; a conflict is rare, a gate held until the context's next save is not.
    public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Ended(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Whether the save will commit the context's records in a transaction it begins for them.</summary>
    private static bool Saving(DbContext? context)
    {
        // A concurrency conflict is reported to no interceptor (EF Core 7 on): a setting left changed by one is put back here.
        Ended(context);
        if (context is null || context.Database.CurrentTransaction is not null) return false;
        if (PendingOutboxEntries.Find(context) is not { } pending || !pending.HasRecordsFor(null)) return false;
        if (context.Database.AutoTransactionBehavior == AutoTransactionBehavior.WhenNeeded && context.Database.ProviderName == NpgsqlProvider && InsertsOnly(context))
        {
            pending.CarriedBySaveCommand = true;
            return false;
        }

        pending.OverriddenBehavior = context.Database.AutoTransactionBehavior;
        context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        return true;
    }

    private async Task EnterGateAsync(DbContext context, bool async, CancellationToken cancellationToken)
    {
        if (await SqliteWriteGateHold.EnterAsync(context, logger, save: true, async, cancellationToken).ConfigureAwait(false) is { } hold) Held.AddOrUpdate(context, hold);
    }

    private static void ReleaseGate(DbContext? context)
    {
        if (context is not null && Held.TryGetValue(context, out var hold))
        {
            Held.Remove(context);
            hold.Release();
        }
    }

    private static void Ended(DbContext? context)
    {
        Restore(context);
        ReleaseGate(context);
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
