using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// Counts the serialization failures (SQLSTATE 40001) and deadlocks (40P01) the database answered, whether a statement
/// or the commit got them, so a scenario can show that concurrent writers really conflicted and were retried.
/// </summary>
public sealed class SerializationFailureCounter : IDbCommandInterceptor, IDbTransactionInterceptor
{
    /// <summary>PostgreSQL's (and the SQL standard's) code for "could not serialize access".</summary>
    public const string SerializationFailure = "40001";

    /// <summary>PostgreSQL's code for a deadlock, which it breaks by aborting one of the transactions.</summary>
    public const string DeadlockDetected = "40P01";

    private int _count;
    private int _deadlocks;

    /// <summary>Serialization failures seen so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Deadlocks seen so far.</summary>
    public int Deadlocks => Volatile.Read(ref _deadlocks);

    /// <inheritdoc />
    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Observe(eventData?.Exception);

    /// <inheritdoc />
    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Observe(eventData?.Exception);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Observe(eventData?.Exception);

    /// <inheritdoc />
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Observe(eventData?.Exception);
        return Task.CompletedTask;
    }

    private void Observe(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbException { SqlState: SerializationFailure }:
                    Interlocked.Increment(ref _count);
                    return;
                case DbException { SqlState: DeadlockDetected }:
                    Interlocked.Increment(ref _deadlocks);
                    return;
            }
        }
    }
}
