using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// Begins every transaction that asks for no particular isolation level — LogPipe's units of work ask for none — at
/// <see cref="IsolationLevel.Serializable"/>. Needed because LogPipe has no isolation setting of its own, and a database
/// default does not help: Npgsql begins an unspecified transaction as READ COMMITTED explicitly.
/// </summary>
public sealed class SerializableTransactions : DbTransactionInterceptor
{
    /// <inheritdoc />
    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.IsolationLevel == IsolationLevel.Unspecified
            ? InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(IsolationLevel.Serializable))
            : result;
    }

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.IsolationLevel == IsolationLevel.Unspecified
            ? InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false))
            : result;
    }
}
