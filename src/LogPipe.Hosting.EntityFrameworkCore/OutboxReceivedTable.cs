using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// The identities of outbox records a consumer group applied (<see cref="LogPipeOutboxReceived"/>): the lookup of a unit's
/// identities (one query), the rows a unit adds in its transaction, and pruning of rows older than the deduplication
/// window, in small batches after a commit, at most once a minute unless a batch came back full.
/// </summary>
internal sealed class OutboxReceivedTable
{
    /// <summary>Rows deleted per pruning statement: short enough not to hold locks that writers notice.</summary>
    internal const int PruneBatchSize = 1000;

    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly string _consumerGroup;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();

    // Pruning starts once this process recorded identities: a database that never received outbox records (and may not
    // have the table yet) is not touched.
    private bool _recorded;
    private bool _pruning;
    private DateTimeOffset _nextPruneAt;

    public OutboxReceivedTable(string consumerGroup, TimeSpan window, TimeProvider time, ILogger logger)
    {
        _consumerGroup = consumerGroup;
        _window = window;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Which of <paramref name="identities"/> this group applied and still remembers: one query for the whole unit. A row
    /// past the window but not pruned yet still counts (the record is a copy all the same, and inserting it again would
    /// clash with that row).
    /// </summary>
    public async Task<IReadOnlySet<OutboxIdentity>> FindAsync(DbContext db, IReadOnlyCollection<OutboxIdentity> identities, CancellationToken cancellationToken)
    {
        var found = new HashSet<OutboxIdentity>();
        if (identities.Count == 0) return found;
        var sources = identities.Select(i => i.Source).Distinct().ToList();
        var sequences = identities.Select(i => i.Sequence).Distinct().ToList();

        // Sources times sequences may name a few identities the unit does not have (with several sources): they are
        // filtered out here, and the query stays one statement whatever the mix.
        var rows = await db.Set<LogPipeOutboxReceived>().AsNoTracking()
            .Where(r => r.ConsumerGroup == _consumerGroup && sources.Contains(r.Source) && sequences.Contains(r.Sequence))
            .Select(r => new { r.Source, r.Sequence })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            var identity = new OutboxIdentity(row.Source, row.Sequence);
            if (identities.Contains(identity)) found.Add(identity);
        }

        return found;
    }

    /// <summary>Adds the rows of the identities a unit handled to the context, to be saved in the unit's transaction.</summary>
    public void Add(DbContext db, IEnumerable<OutboxIdentity> identities)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var set = db.Set<LogPipeOutboxReceived>();
        foreach (var identity in identities)
        {
            set.Add(new LogPipeOutboxReceived { ConsumerGroup = _consumerGroup, Source = identity.Source, Sequence = identity.Sequence, AppliedAt = now });
        }

        lock (_lock) _recorded = true;
    }

    /// <summary>
    /// After a unit committed: deletes one batch of rows older than the window when pruning is due. Runs outside the
    /// unit's transaction (its own statements); a failure is logged and tried again later, never the unit's failure.
    /// </summary>
    public async Task PruneIfDueAsync(DbContext db)
    {
        lock (_lock)
        {
            if (!_recorded || _pruning || _time.GetUtcNow() < _nextPruneAt) return;
            _pruning = true;
        }

        var full = false;
        try
        {
            var cutoff = Cutoff();
            var old = await db.Set<LogPipeOutboxReceived>().AsNoTracking()
                .Where(r => r.ConsumerGroup == _consumerGroup && r.AppliedAt < cutoff)
                .Take(PruneBatchSize)
                .Select(r => new { r.Source, r.Sequence })
                .ToListAsync(CancellationToken.None).ConfigureAwait(false);
            if (old.Count > 0)
            {
                var sources = old.Select(o => o.Source).Distinct().ToList();
                var sequences = old.Select(o => o.Sequence).Distinct().ToList();
                var deleted = await db.Set<LogPipeOutboxReceived>()
                    .Where(r => r.ConsumerGroup == _consumerGroup && r.AppliedAt < cutoff && sources.Contains(r.Source) && sequences.Contains(r.Sequence))
                    .ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
                OutboxReceivedLog.Pruned(_logger, deleted, _consumerGroup, cutoff);
            }

            // A full batch means more are waiting: the next commit deletes the next batch.
            full = old.Count == PruneBatchSize;
        }
        catch (Exception ex)
        {
            OutboxReceivedLog.PruneFailed(_logger, ex, _consumerGroup);
        }
        finally
        {
            lock (_lock)
            {
                _pruning = false;
                _nextPruneAt = full ? DateTimeOffset.MinValue : _time.GetUtcNow() + (_window < PruneInterval ? _window : PruneInterval);
            }
        }
    }

    private DateTime Cutoff() => (_time.GetUtcNow() - _window).UtcDateTime;
}
