using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>An application's own retrying strategy for SQLite: retries when the database is busy or locked.</summary>
public sealed class SqliteBusyRetryingStrategy(ExecutionStrategyDependencies dependencies)
    : Microsoft.EntityFrameworkCore.Storage.ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(50))
{
    /// <inheritdoc />
    protected override bool ShouldRetryOn(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 };
}
