using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>The transactional outbox's statistics and entries, read with the same queries as the service's health check.</summary>
internal sealed class OutboxView
{
    private readonly OperationsDatabase _database;

    public OutboxView(OperationsDatabase database) => _database = database;

    public Task<OutboxStatistics> StatsAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(db => OutboxQueries.StatsAsync(db, cancellationToken), cancellationToken);

    public Task<OutboxPage> ListAsync(bool? setAside, int take, CancellationToken cancellationToken)
    {
        return _database.RunAsync(
            async db =>
            {
                var entries = OutboxQueries.Entries(db, setAside);
                var page = await entries.OrderBy(e => e.Id).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
                return new OutboxPage(page, await entries.LongCountAsync(cancellationToken).ConfigureAwait(false));
            },
            cancellationToken);
    }
}
