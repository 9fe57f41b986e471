using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Watches dead letters marked for replay until the service has replayed each one or it failed again: a replayed one
/// disappears, one that failed again loses its request and gains an attempt.
/// </summary>
internal sealed class ReplayWatch
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly OperationsDatabase _database;
    private readonly TimeProvider _time;

    public ReplayWatch(OperationsDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Looks until nothing is pending or <paramref name="timeout"/> has passed.</summary>
    public async Task<ReplayOutcome> WaitAsync(IReadOnlyList<MarkedDeadLetter> marked, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        var attempts = marked.ToDictionary(m => m.Id, m => m.Attempts);
        var ids = attempts.Keys.ToList();
        while (true)
        {
            var current = await _database.RunAsync(
                async db =>
                {
                    var rows = new List<LogPipeDeadLetter>();
                    foreach (var chunk in ids.Chunk(500))
                    {
                        rows.AddRange(await db.Set<LogPipeDeadLetter>().AsNoTracking().Where(d => chunk.Contains(d.Id))
                            .ToListAsync(cancellationToken).ConfigureAwait(false));
                    }

                    return rows;
                },
                cancellationToken).ConfigureAwait(false);
            var failed = current.Where(d => d.ReplayRequestedAt is null && d.Attempts > attempts[d.Id]).OrderBy(d => d.Id).ToList();
            var pending = current.Where(d => !failed.Contains(d)).Select(d => d.Id).Order().ToList();
            if (pending.Count == 0 || _time.GetUtcNow() >= deadline) return new ReplayOutcome(marked.Count, ids.Count - current.Count, failed, pending);
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
