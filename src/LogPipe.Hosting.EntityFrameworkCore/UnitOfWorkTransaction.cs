using System.Data;
using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Begins a unit of work's transaction at the configured isolation level (<c>LogPipe:UnitOfWork:IsolationLevel</c>), inside
/// the DbContext's execution strategy. A retrying strategy (<c>EnableRetryOnFailure()</c>) refuses every operation in a
/// transaction begun outside it, so with one the transaction begins in <see cref="RunAsync"/>, where the unit's work runs
/// as the strategy's operation. The strategy may retry beginning; it never re-runs a half-applied unit: the unit's failure
/// goes to the consumer runner, which gives the records back and applies them again in a new unit (the checkpoint's
/// version fences a commit that landed although its answer was lost).
/// </summary>
internal static class UnitOfWorkTransaction
{
    /// <summary>
    /// Begins the transaction now when the DbContext's execution strategy does not retry; returns <see langword="null"/>
    /// when it does, for <see cref="RunAsync"/> to begin it inside the strategy.
    /// </summary>
    public static async Task<IDbContextTransaction?> BeginUnlessRetryingAsync(DatabaseFacade database, IsolationLevel? isolationLevel, CancellationToken cancellationToken) =>
        database.CreateExecutionStrategy().RetriesOnFailure ? null : await BeginAsync(database, isolationLevel, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="body"/> as the execution strategy's operation, after beginning the transaction there and handing
    /// it to <paramref name="begun"/>. Inside, the strategy lets the unit's statements through without retrying them
    /// one by one (a retried statement would not bring back what the transaction lost with its connection).
    /// </summary>
    public static async Task RunAsync(
        DatabaseFacade database, IsolationLevel? isolationLevel, Action<IDbContextTransaction> begun, Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var strategy = database.CreateExecutionStrategy();
        var failure = await strategy.ExecuteAsync(
            (Database: database, IsolationLevel: isolationLevel, Begun: begun, Body: body),
            static async (_, unit, ct) =>
            {
                unit.Begun(await BeginAsync(unit.Database, unit.IsolationLevel, ct).ConfigureAwait(false));
                try
                {
                    await unit.Body(ct).ConfigureAwait(false);
                    return null;
                }
                catch (Exception ex)
                {
                    // Handed out rather than thrown: a transient error thrown here would make the strategy run the unit's
                    // body again over records the runner already gave back.
                    return ExceptionDispatchInfo.Capture(ex);
                }
            },
            verifySucceeded: null,
            cancellationToken).ConfigureAwait(false);
        failure?.Throw();
    }

    /// <summary>Begins the transaction; without a level, the provider's default (READ COMMITTED on Npgsql and SQL Server).</summary>
    private static Task<IDbContextTransaction> BeginAsync(DatabaseFacade database, IsolationLevel? isolationLevel, CancellationToken cancellationToken) =>
        isolationLevel is { } level
            ? database.BeginTransactionAsync(level, cancellationToken)
            : database.BeginTransactionAsync(cancellationToken);
}
