using System.Diagnostics;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Settles a unit's commit on the consumer loop's thread: on success the sources hear of the new checkpoints and metrics,
/// logs and dead-letter forwarding follow; on failure its records go back (with the unit taken meanwhile, when commits
/// overlap), fenced partitions are rewound, or the next unit is applied record by record.
/// </summary>
internal sealed class CommitSettler
{
    private readonly ConsumerInstrumentation _instrumentation;
    private readonly ConsumerProgress _progress;
    private readonly UnitAbandoner _abandoner;
    private readonly DeadLetterRecorder _deadLetters;
    private readonly FailureOptions _failures;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IConsumedRecordObserver? _observer;

    public CommitSettler(ConsumerInstrumentation instrumentation, ConsumerProgress progress, UnitAbandoner abandoner, DeadLetterRecorder deadLetters, FailureOptions failures, TimeProvider time, ILogger logger, IConsumedRecordObserver? observer = null)
    {
        _observer = observer;
        _instrumentation = instrumentation;
        _progress = progress;
        _abandoner = abandoner;
        _deadLetters = deadLetters;
        _failures = failures;
        _time = time;
        _logger = logger;
    }

    /// <summary>When a unit of work last committed.</summary>
    public DateTimeOffset? LastCommitAt { get; private set; }

    /// <summary>
    /// Waits for a unit's commit and settles it. On failure its records go back after <paramref name="lookahead"/>, the
    /// unit taken meanwhile, which goes back first so that the order is kept. Returns how many records were committed,
    /// 0 on failure.
    /// </summary>
    public async Task<int> FinishAsync(UnitCommit commit, List<(ConsumerState Consumer, IncomingRecord Record)>? lookahead)
    {
        var unit = commit.Taken == commit.Unit.Count ? commit.Unit : commit.Unit.GetRange(0, commit.Taken);
        try
        {
            try
            {
                await commit.Completion.ConfigureAwait(false);
            }
            catch (CheckpointConflictException conflict)
            {
                // Nothing was committed: sources may read now, and the rewinds below read through the same gate.
                commit.InFlight?.Release();
                PutBackLookahead();
                if (_logger.IsEnabled(LogLevel.Warning)) ConsumerLog.CheckpointConflict(_logger, string.Join(", ", conflict.Partitions));
                var fenced = conflict.Partitions.ToHashSet();
                foreach (var (consumer, _) in commit.Last.Values.Where(v => fenced.Contains(v.Record.Partition)).DistinctBy(v => v.Record.Partition))
                {
                    foreach (var p in fenced.Where(p => p.Stream == consumer.Stream))
                    {
                        await RewindAsync(consumer, p).ConfigureAwait(false);
                    }
                }

                // Records of partitions that were not fenced were rolled back with the rest: take them again.
                UnitAbandoner.PutBack(unit.Where(u => !fenced.Contains(u.Record.Partition)).ToList(), 0);
                return 0;
            }
            catch (Exception ex) when (commit.Batch)
            {
                commit.InFlight?.Release();
                // The batch's flush failed (for example a key clash a lookup could not see, or one record's statement timing
                // out): apply the records one by one, where each failure is the failing record's.
                PutBackLookahead();
                _abandoner.FallBackToPerRecord(unit, ex);
                return 0;
            }
            catch (Exception ex)
            {
                commit.InFlight?.Release();
                PutBackLookahead();
                _abandoner.Abandon(unit, 0, ex);
                return 0;
            }

            foreach (var group in commit.Last.Values.GroupBy(v => v.Consumer))
            {
                await group.Key.Source.OnCommittedAsync(group.Select(g => new CheckpointUpdate(g.Record.Partition, g.Record.NextCheckpoint)).ToList(), CancellationToken.None).ConfigureAwait(false);
            }

            // The sources heard of the checkpoints (Kafka's group commit among them): a revocation waiting for this unit may go on.
            commit.InFlight?.Release();
            foreach (var (partition, last) in commit.Last) _progress.Committed(partition, last.Record.Offset + 1);

            await AfterCommitAsync(commit.Handled.Count, commit.Handled, commit.DeadLetters, commit.StartedTimestamp, commit.CommitDuration).ConfigureAwait(false);
            if (commit.StopWith is not null)
            {
                PutBackLookahead();
                throw commit.StopWith;
            }

            return commit.Handled.Count;
        }
        finally
        {
            await commit.DisposeAsync().ConfigureAwait(false);
        }

        void PutBackLookahead()
        {
            if (lookahead is { Count: > 0 }) UnitAbandoner.PutBack(lookahead, 0);
        }
    }

    /// <summary>
    /// The loop failed while a commit was in flight: the commit is still waited for and settled (its records are put back
    /// if it failed), and anything it throws is logged, not allowed to hide the loop's own failure.
    /// </summary>
    public async Task SettleAfterFaultAsync(UnitCommit commit)
    {
        try
        {
            await FinishAsync(commit, null).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ConsumerLog.CommitInFlightFailed(_logger, ex, commit.Handled.Count);
        }
    }

    /// <summary>
    /// Rewinds a fenced partition to its stored checkpoint. The read can fail while the database is down; going on from
    /// the position in hand would apply records twice, so it is retried until it succeeds.
    /// </summary>
    private async Task RewindAsync(ConsumerState consumer, PartitionKey partition)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await consumer.Source.RewindAsync(partition, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var backoff = RetryBackoff.Before(_failures, Math.Min(attempt, RetryBackoff.MaxStreak));
                ConsumerLog.UnitAbandoned(_logger, ex, 0, (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, _time).ConfigureAwait(false);
            }
        }
    }

    private async Task AfterCommitAsync(int committed, List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled, List<DeadLetter> deadLetters, long startedTimestamp, TimeSpan commitDuration)
    {
        if (committed == 0) return;
        _abandoner.Committed();
        _instrumentation.Committed(handled, startedTimestamp, commitDuration);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ConsumerLog.UnitCommitted(_logger, committed, handled.Select(h => h.Record.Partition).Distinct().Count(), (long)Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds);
        }

        LastCommitAt = _time.GetUtcNow();
        _observer?.Committed(handled.ConvertAll(h => (h.Record, h.Outcome)), deadLetters);
        if (deadLetters.Count > 0) await _deadLetters.ForwardAsync(deadLetters).ConfigureAwait(false);
    }
}
