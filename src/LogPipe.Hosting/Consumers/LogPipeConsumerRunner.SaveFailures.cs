using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.DeadLetters;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Consumers;

// The careful (per-record) path's handling of a failed save: count it against its record, back off, or apply the policy.
public sealed partial class LogPipeConsumerRunner
{
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
            _unitLeftToHungSave = stillRunning;
            var hung = SaveRetryPolicy.RecordFailure(consumer, record, failure, _time.GetUtcNow());
            ConsumerLog.SaveAbandoned(_logger, p.Stream, p.Partition, record.Offset, (long)consumer.Deadline.Grace.TotalMilliseconds, (long)consumer.Deadline.Timeout.TotalMilliseconds, unit.Count, hung.Attempts, consumer.Failures.MaxAttempts);
            PutBack(unit, 0);
            consumer.NotBefore = _time.GetUtcNow() + SaveRetryPolicy.Backoff(consumer.Failures, hung.Tries);
            return null;
        }

        try
        {
            await work.AbortRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception abortFailure) when (abortFailure is not OperationCanceledException)
        {
            // The transaction itself is gone (connection lost): nothing of this unit survives.
            Abandon(unit, 0, failure);
            return null;
        }

        var counted = SaveRetryPolicy.RecordFailure(consumer, record, failure, _time.GetUtcNow());
        if (SaveRetryPolicy.AttemptsUsedUp(counted, consumer.Failures)) return counted;
        var backoff = SaveRetryPolicy.Backoff(consumer.Failures, counted.Tries);
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

    /// <summary>Keeps a record whose attempts are used up as a <see cref="MessageErrorKind.SaveFailed"/> dead letter; <see langword="null"/> when the unit had to be abandoned.</summary>
    private async Task<RecordOutcome?> DeadLetterSaveFailureAsync(IUnitOfWork work, List<(ConsumerState Consumer, IncomingRecord Record)> unit, int index, PreparedRecord prepared, SaveFailureRecord failure, List<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        var record = unit[index].Record;
        var error = failure.LastError;
        // A save failed, so the record was decoded: its type and version are known.
        var (type, version) = prepared.Error is null ? (prepared.Envelope.Type, (int?)prepared.Envelope.Version) : (null, null);
        ConsumerLog.SaveFailedDeadLettered(_logger, error, record.Partition.Stream, record.Partition.Partition, record.Offset, type, version, failure.Attempts);
        var outcome = new RecordOutcome(MessageErrorKind.SaveFailed, $"{error.GetType().Name}: {error.Message}", type, version, error);
        try
        {
            var deadLetter = ToDeadLetter(record, outcome, failure.Attempts, failure.FirstFailedAt);
            await work.AddDeadLetterAsync(deadLetter, cancellationToken).ConfigureAwait(false);
            deadLetters.Add(deadLetter);
            return outcome;
        }
        catch (Exception dlFailure) when (dlFailure is not OperationCanceledException)
        {
            Abandon(unit, 0, dlFailure);
            return null;
        }
    }

    /// <summary>
    /// Rolls back and disposes a unit of work whose save ignored its timeout, off the loop, once that save returned: rolled
    /// back under a running save, the save's own flush would run outside any transaction and commit its effects without
    /// the checkpoint (applied again after a restart). Until then the unit's transaction stays open; the loop goes on in
    /// other scopes.
    /// </summary>
    private void DisposeUnderHungSave(Task hungSave, IUnitOfWork? work, AsyncServiceScope scope) =>
        _ = Task.Run(async () =>
        {
            try
            {
                try
                {
                    await hungSave.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Observed by the save deadline already; only its end matters here.
                }

                if (work is not null) await work.DisposeAsync().ConfigureAwait(false);
                await scope.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ConsumerLog.HungUnitDisposeFailed(_logger, ex);
            }
        });
}
