using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The careful path: each record in its own savepoint, where retries and failure policies work per record. Stops at a
/// record that must wait (retry backoff, stop policy, shutdown); the records before it are committed.
/// </summary>
internal sealed class PerRecordApplier
{
    private readonly ConsumerInstrumentation _instrumentation;
    private readonly ConsumerProgress _progress;
    private readonly UnitAbandoner _abandoner;
    private readonly DeadLetterRecorder _deadLetters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PerRecordApplier(ConsumerInstrumentation instrumentation, ConsumerProgress progress, UnitAbandoner abandoner, DeadLetterRecorder deadLetters, TimeProvider time, ILogger logger)
    {
        _instrumentation = instrumentation;
        _progress = progress;
        _abandoner = abandoner;
        _deadLetters = deadLetters;
        _time = time;
        _logger = logger;
    }

    /// <summary>Applies the unit; <see langword="null"/> when nothing is left to commit (the unit was abandoned or nothing was handled).</summary>
    public async Task<UnitCommit?> ApplyAsync(
        IUnitOfWork work,
        List<(ConsumerState Consumer, IncomingRecord Record)> unit,
        PreparedRecord[] prepared,
        OutboxCopies copies,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        var handled = new List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)>(unit.Count);
        var deadLetters = new List<DeadLetter>();
        Exception? stopWith = null;
        var taken = unit.Count;
        for (var i = 0; i < unit.Count; i++)
        {
            var (consumer, record) = unit[i];
            if (cancellationToken.IsCancellationRequested)
            {
                UnitAbandoner.PutBack(unit, i);
                taken = i;
                break;
            }

            if (!consumer.Source.IsCurrent(record))
            {
                _progress.Forget(record);
                continue;
            }

            if (copies.IsCopy(i, record, prepared[i]))
            {
                consumer.ForgetFailures(record);
                handled.Add((consumer, record, OutboxCopies.CopyOutcome(prepared[i])));
                continue;
            }

            // A record whose attempts a save the loop had to abandon used up meets its policy without another try.
            var failure = consumer.FailureOf(record) is { } earlier && SaveRetryPolicy.AttemptsUsedUp(earlier, consumer.Failures) ? earlier : (SaveFailureRecord?)null;
            RecordOutcome outcome = default;
            if (failure is null)
            {
                var span = _instrumentation.StartProcess(record);
                try
                {
                    await work.BeginRecordAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // A savepoint that cannot be taken is the database's failure, not the record's.
                    _instrumentation.EndProcess(span, default, ex);
                    _abandoner.Abandon(unit, 0, ex);
                    return null;
                }

                Exception? saveFailure = null;
                try
                {
                    outcome = await consumer.Deadline.RunAsync((Work: work, Record: prepared[i], Services: services), static (s, ct) => ApplyInSavepointAsync(s.Work, s.Record, s.Services, ct), cancellationToken).ConfigureAwait(false);
                    _instrumentation.EndProcess(span, outcome, null);
                    _progress.Alive();
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Whatever a user's code throws (an OperationCanceledException of its own included) is a save failure.
                    _instrumentation.EndProcess(span, default, ex);
                    _instrumentation.SaveFailed(record, ex);
                    saveFailure = ex;
                }

                if (saveFailure is not null)
                {
                    if (await CountSaveFailureAsync(work, unit, i, saveFailure, cancellationToken).ConfigureAwait(false) is not { } counted) return null;
                    if (!SaveRetryPolicy.AttemptsUsedUp(counted, consumer.Failures))
                    {
                        UnitAbandoner.PutBack(unit, i);
                        taken = i;
                        break;
                    }

                    failure = counted;
                }
            }

            if (failure is { } used)
            {
                if (consumer.Failures.Policy == SaveFailurePolicy.Stop)
                {
                    ConsumerLog.SaveFailedStopping(_logger, used.LastError, record.Partition.Stream, record.Partition.Partition, record.Offset, used.Attempts);
                    stopWith = new ConsumerStoppedException(record.Partition, record.Offset, used.Attempts, used.LastError);
                    UnitAbandoner.PutBack(unit, i);
                    taken = i;
                    break;
                }

                if (await _deadLetters.RecordSaveFailureAsync(work, unit, i, prepared[i], used, deadLetters, cancellationToken).ConfigureAwait(false) is not { } deadLettered) return null;
                consumer.ForgetFailures(record);
                handled.Add((consumer, record, deadLettered));
                copies.MarkHandled(i, record, prepared[i]);
                continue;
            }

            if (!outcome.IsApplied)
            {
                if (consumer.Failures.ThrowErrors && outcome.Error != MessageErrorKind.IgnoredType)
                {
                    UnitAbandoner.PutBack(unit, 0);
                    throw (Exception?)outcome.Exception as InvalidMessageException
                        ?? new InvalidMessageException(outcome.Error!.Value, outcome.ErrorMessage!);
                }

                if (await _deadLetters.RecordMessageErrorAsync(work, consumer, record, outcome, deadLetters, cancellationToken).ConfigureAwait(false) is { } deadLetterFailure)
                {
                    _abandoner.Abandon(unit, 0, deadLetterFailure);
                    return null;
                }
            }
            else
            {
                ConsumerLog.Applied(_logger, record.Partition.Stream, record.Partition.Partition, record.Offset, outcome.MessageType, outcome.Version);
            }

            consumer.ForgetFailures(record);
            handled.Add((consumer, record, outcome));
            copies.MarkHandled(i, record, prepared[i]);
        }

        if (handled.Count > 0) return new UnitCommit(unit, taken, handled, deadLetters, batch: false) { StopWith = stopWith };
        if (stopWith is not null) throw stopWith;
        return null;
    }

    /// <summary>Applies one record inside its savepoint: saves its changes when applied, undoes them on a message error.</summary>
    private static async Task<RecordOutcome> ApplyInSavepointAsync(IUnitOfWork work, PreparedRecord prepared, IServiceProvider services, CancellationToken cancellationToken)
    {
        var outcome = await RecordProcessor.ApplyAsync(prepared, services, cancellationToken).ConfigureAwait(false);
        if (outcome.IsApplied)
        {
            await work.CompleteRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await work.AbortRecordAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Counts a failed save against its record (<see cref="SaveRetryPolicy"/>) once its savepoint rolled back, and sets the
    /// backoff when attempts remain. Returns <see langword="null"/> when the whole unit was given up instead: the rollback
    /// failed (the database's failure, counted against nobody), or the save ignored its timeout and is still running in the
    /// unit's scope (the try counts; the unit rolls back once the save returned).
    /// </summary>
    private async Task<SaveFailureRecord?> CountSaveFailureAsync(IUnitOfWork work, List<(ConsumerState Consumer, IncomingRecord Record)> unit, int index, Exception failure, CancellationToken cancellationToken)
    {
        var (consumer, record) = unit[index];
        var p = record.Partition;
        if (failure is SaveTimeoutException { Abandoned: true, StillRunning: { } stillRunning })
        {
            _abandoner.LeftToHungSave(stillRunning);
            var hung = SaveRetryPolicy.RecordFailure(consumer, record, failure, _time.GetUtcNow());
            ConsumerLog.SaveAbandoned(_logger, p.Stream, p.Partition, record.Offset, (long)consumer.Deadline.Grace.TotalMilliseconds, (long)consumer.Deadline.Timeout.TotalMilliseconds, unit.Count, hung.Attempts, consumer.Failures.MaxAttempts);
            UnitAbandoner.PutBack(unit, 0);
            consumer.NotBefore = _time.GetUtcNow() + RetryBackoff.Before(consumer.Failures, hung.Tries);
            return null;
        }

        try
        {
            await work.AbortRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception abortFailure) when (abortFailure is not OperationCanceledException)
        {
            // The transaction itself is gone (connection lost): nothing of this unit survives.
            _abandoner.Abandon(unit, 0, failure);
            return null;
        }

        var counted = SaveRetryPolicy.RecordFailure(consumer, record, failure, _time.GetUtcNow());
        if (SaveRetryPolicy.AttemptsUsedUp(counted, consumer.Failures)) return counted;
        var backoff = RetryBackoff.Before(consumer.Failures, counted.Tries);
        if (counted.Counted)
        {
            ConsumerLog.SaveFailedWillRetry(_logger, failure, p.Stream, p.Partition, record.Offset, counted.Attempts, consumer.Failures.MaxAttempts, (long)backoff.TotalMilliseconds);
        }
        else
        {
            ConsumerLog.SaveFailedTransientWillRetry(_logger, failure, p.Stream, p.Partition, record.Offset, counted.TransientFailures, consumer.Failures.MaxTransientRetries, (long)backoff.TotalMilliseconds);
        }

        consumer.NotBefore = _time.GetUtcNow() + backoff;
        return counted;
    }
}
