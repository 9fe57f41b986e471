using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
/// </remarks>
internal sealed class OutboxSaveCommandInterceptor(TimeProvider time) : DbCommandInterceptor
{
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
}
