using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Operators' view of the outbox of <typeparamref name="TDbContext"/>'s database: its statistics and its entries (waiting
/// or set aside). Registered by <c>UseEntityFrameworkOutbox</c>; <c>logpipe outbox list|stats</c> shows the same.
/// </summary>
/// <typeparam name="TDbContext">The application's DbContext.</typeparam>
public sealed class OutboxInspector<TDbContext>
    where TDbContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;

    /// <summary>Creates the inspector.</summary>
    /// <param name="scopes">Creates a scope (and a DbContext) per call.</param>
    public OutboxInspector(IServiceScopeFactory scopes) => _scopes = scopes;

    /// <summary>Backlog, set-aside count, the oldest unsent entry's commit time, source id and lease.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The statistics.</returns>
    public async Task<OutboxStatistics> StatsAsync(CancellationToken cancellationToken = default)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await OutboxQueries.StatsAsync(scope.ServiceProvider.GetRequiredService<TDbContext>(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Entries in <c>Id</c> (commit) order.</summary>
    /// <param name="setAside"><see langword="true"/> for set-aside entries only, <see langword="false"/> for waiting ones only, <see langword="null"/> for both.</param>
    /// <param name="take">At most this many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<LogPipeOutboxEntry>> ListAsync(bool? setAside = null, int take = 100, CancellationToken cancellationToken = default)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await OutboxQueries.Entries(scope.ServiceProvider.GetRequiredService<TDbContext>(), setAside).OrderBy(e => e.Id).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
