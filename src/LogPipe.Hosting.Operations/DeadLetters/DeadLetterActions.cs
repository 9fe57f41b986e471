using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The dead letters kept in the service's database: listed, shown, marked for replay and purged. Only the running service
/// has the serializers, so a replay is a request: the row is marked (<see cref="LogPipeDeadLetter.ReplayRequestedAt"/>)
/// and the service's replay poll applies it.
/// </summary>
internal sealed class DeadLetterActions
{
    private readonly OperationsDatabase _database;
    private readonly TimeProvider _time;

    public DeadLetterActions(OperationsDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task<DeadLetterPage> ListAsync(DeadLetterSelection selection, CancellationToken cancellationToken) => _database.RunAsync(
        async db =>
        {
            var letters = db.Set<LogPipeDeadLetter>().AsNoTracking();
            var selected = await selection.ApplyAsync(letters, cancellationToken).ConfigureAwait(false);
            var page = await selected.ToListAsync(cancellationToken).ConfigureAwait(false);
            return new DeadLetterPage(page, await selection.CountAsync(letters, cancellationToken).ConfigureAwait(false));
        },
        cancellationToken);

    public async Task<LogPipeDeadLetter> GetAsync(long id, CancellationToken cancellationToken) =>
        await _database.RunAsync(db => db.Set<LogPipeDeadLetter>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken), cancellationToken).ConfigureAwait(false)
        ?? throw OperationException.NotFound($"No dead letter with id {id.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");

    public Task<List<MarkedDeadLetter>> RequestReplayAsync(DeadLetterSelection selection, CancellationToken cancellationToken) => _database.RunAsync(
        async db =>
        {
            var rows = await selection.FindAsync(db, d => new MarkedDeadLetter(d.Id, d.Attempts), m => m.Id, cancellationToken).ConfigureAwait(false);
            await DeadLetterRows.RequestReplayAsync(db, rows.Select(r => r.Id), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return rows;
        },
        cancellationToken);

    public Task<List<long>> FindAsync(DeadLetterSelection selection, CancellationToken cancellationToken) =>
        _database.RunAsync(db => selection.FindAsync(db, d => d.Id, id => id, cancellationToken), cancellationToken);

    public Task<int> PurgeAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        _database.RunAsync(db => DeadLetterRows.DeleteAsync(db, ids, cancellationToken), cancellationToken);
}
