using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// Counts the serialization failures (SQLSTATE 40001) the database answered, whether a statement or the commit got
/// them, so a scenario can show that concurrent writers really conflicted and were retried.
/// </summary>
public sealed class SerializationFailureCounter : IDbCommandInterceptor, IDbTransactionInterceptor
{
    /// <summary>PostgreSQL's (and the SQL standard's) code for "could not serialize access".</summary>
    public const string SerializationFailure = "40001";

    private int _count;

    /// <summary>Serialization failures seen so far.</summary>
    public int Count => Volatile.Read(ref _count);

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
            if (e is DbException { SqlState: SerializationFailure })
            {
                Interlocked.Increment(ref _count);
                return;
            }
        }
    }
}
