using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Begins a unit of work's transaction at the configured isolation level (<c>LogPipe:UnitOfWork:IsolationLevel</c>).</summary>
internal static class UnitOfWorkTransaction
{
    /// <summary>Begins the transaction; without a level, the provider's default (READ COMMITTED on Npgsql and SQL Server).</summary>
    public static Task<IDbContextTransaction> BeginAsync(DatabaseFacade database, IsolationLevel? isolationLevel, CancellationToken cancellationToken) =>
        isolationLevel is { } level
            ? database.BeginTransactionAsync(level, cancellationToken)
            : database.BeginTransactionAsync(cancellationToken);
}
