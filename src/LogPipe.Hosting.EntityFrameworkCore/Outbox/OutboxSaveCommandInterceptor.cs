using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// On PostgreSQL, appends a save's outbox records to the one command EF Core runs for that save without a transaction,
/// as its last statements: Npgsql sends a command's statements in one round trip, which PostgreSQL runs as one implicit
/// transaction, so the business rows and the outbox rows commit together or not at all, with no <c>BEGIN</c>, separate
/// INSERT and <c>COMMIT</c> round trips.
/// </summary>
/// <remarks>
/// Only for a save <see cref="OutboxSaveChangesInterceptor"/> found to hold inserts alone (an UPDATE or DELETE finding no
/// row is a concurrency conflict EF Core reports after the implicit transaction committed, which would commit the
/// records without the change). A save EF Core runs in a transaction (more than one statement, or more than one batch)
/// gets its records at commit, from <see cref="OutboxTransactionInterceptor"/>, as any other.
/// On SQLite it also makes the relay's writes to the outbox tables (its deletes, attempt counts and lease updates, each one
/// statement without a transaction) take the process's <see cref="SqliteWriteGate"/>, so they queue behind the writers'
/// saves in memory instead of meeting them at the file lock.
/// </remarks>
internal sealed class OutboxSaveCommandInterceptor(TimeProvider time, bool writeGate, ILogger logger) : DbCommandInterceptor
{
    private const string OutboxTables = "\"LogPipeOutbox";

    /// <summary>The write gate each running outbox statement holds, until it executed, failed or was cancelled.</summary>
    private static readonly ConditionalWeakTable<DbCommand, SqliteWriteGateHold> Held = new();

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterGateAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
#pragma warning disable CA2012 // Completes synchronously: the sync path runs no awaits.
        EnterGateAsync(command, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore CA2012
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ReleaseGate(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ReleaseGate(command);
        return result;
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseGate(command);
        return Task.CompletedTask;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ReleaseGate(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseGate(command);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ReleaseGate(command);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Append(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Append(command, eventData);
        return ValueTask.FromResult(result);
    }

    private void Append(DbCommand command, CommandEventData eventData)
    {
        if (eventData.CommandSource != CommandSource.SaveChanges || command.Transaction is not null) return;
        if (eventData.Context is not { } context || context.Database.CurrentTransaction is not null) return;
        if (PendingOutboxEntries.Find(context) is not { CarriedBySaveCommand: true } pending) return;
        var records = pending.CommittingInSaveCommand();
        if (records.Length > 0) OutboxInserter.AppendTo(context, command, records, time.GetUtcNow());
    }

    private async Task EnterGateAsync(DbCommand command, CommandEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (!writeGate || command.Transaction is not null || eventData.Context is not { } context) return;
        if (eventData.CommandSource is not (CommandSource.ExecuteDelete or CommandSource.ExecuteUpdate)) return;
        if (!command.CommandText.Contains(OutboxTables, StringComparison.Ordinal)) return;
        ReleaseGate(command);
        if (await SqliteWriteGateHold.EnterAsync(context, logger, save: false, async, cancellationToken).ConfigureAwait(false) is { } hold) Held.AddOrUpdate(command, hold);
    }

    private static void ReleaseGate(DbCommand command)
    {
        if (Held.TryGetValue(command, out var hold))
        {
            Held.Remove(command);
            hold.Release();
        }
    }
}
