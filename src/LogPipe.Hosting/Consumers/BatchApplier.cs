using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The fast path: prefetch per serializer, apply every record against the change tracker, flush once at commit. Records
/// of a set-wise serializer (<see cref="IBatchMessageSerializer{TMessage}"/>) are looked up and validated one by one and
/// saved per run of consecutive records of that serializer (<see cref="SetSaveRun"/>). Any save failure abandons the
/// batch; the same records are then applied one by one with savepoints, where retries and failure policies work per record.
/// </summary>
internal sealed class BatchApplier
{
    private readonly ConsumerInstrumentation _instrumentation;
    private readonly ConsumerProgress _progress;
    private readonly UnitAbandoner _abandoner;
    private readonly DeadLetterRecorder _deadLetters;
    private readonly SaveDeadline _prefetchDeadline;

    public BatchApplier(ConsumerInstrumentation instrumentation, ConsumerProgress progress, UnitAbandoner abandoner, DeadLetterRecorder deadLetters, SaveDeadline prefetchDeadline)
    {
        _instrumentation = instrumentation;
        _progress = progress;
        _abandoner = abandoner;
        _deadLetters = deadLetters;
        _prefetchDeadline = prefetchDeadline;
    }

    /// <summary>Batch mode is for units whose serializers all allow it, in consumers that do not throw message errors.</summary>
    public static bool CanBatch(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, IServiceProvider services)
    {
        var any = false;
        var checkedInvokers = new HashSet<SerializerInvoker>();
        SerializerInvoker? previous = null;
        for (var i = 0; i < unit.Count; i++)
        {
            if (unit[i].Consumer.Failures.ThrowErrors) return false;
            if (prepared[i].Invoker is not { } invoker) continue;
            any = true;

            // Most records have the serializer of the record before them: no set lookup for those.
            if (ReferenceEquals(invoker, previous)) continue;
            previous = invoker;
            if (checkedInvokers.Add(invoker) && !BatchSaves(invoker, services)) return false;
        }

        return any;
    }

    /// <summary>Applies the unit; <see langword="null"/> when nothing is left to commit (the unit was put back or abandoned).</summary>
    public async Task<UnitCommit?> ApplyAsync(
        IUnitOfWork work,
        List<(ConsumerState Consumer, IncomingRecord Record)> unit,
        PreparedRecord[] prepared,
        OutboxCopies copies,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        work.BeginBatch();
        var handled = new List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)>(unit.Count);
        var deadLetters = new List<DeadLetter>();
        var setRuns = new SetSaveRuns(services);
        try
        {
            foreach (var (invoker, messages) in MessagesBySerializer(prepared, unit.Count))
            {
                await _prefetchDeadline.RunAsync((Invoker: invoker, Messages: messages, Services: services), static (s, ct) => PrefetchAsync(s.Invoker, s.Messages, s.Services, ct), cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < unit.Count; i++)
            {
                var (consumer, record) = unit[i];
                if (!consumer.Source.IsCurrent(record)) continue;
                if (copies.IsCopy(i, record, prepared[i]))
                {
                    handled.Add((consumer, record, OutboxCopies.CopyOutcome(prepared[i])));
                    continue;
                }

                // A set-wise serializer's run ends where another set-wise serializer's records start: runs keep record order.
                var setRun = setRuns.For(prepared[i].Invoker);
                if (setRun is not null && setRuns.Switch(setRun) is { } ended) await FlushAsync(ended, cancellationToken).ConfigureAwait(false);
                var span = _instrumentation.StartProcess(record);
                RecordOutcome outcome;
                bool waited;
                try
                {
                    var pending = setRun is not null
                        ? consumer.Deadline.RunAsync((Run: setRun, Record: prepared[i], Incoming: record, Services: services), static (s, ct) => s.Run.AddAsync(s.Record, s.Incoming, s.Services, ct), cancellationToken)
                        : consumer.Deadline.RunAsync((Record: prepared[i], Services: services), static (s, ct) => RecordProcessor.ApplyAsync(s.Record, s.Services, ct), cancellationToken);
                    waited = !pending.IsCompleted;
                    outcome = await pending.ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _instrumentation.EndProcess(span, default, ex);
                    throw;
                }

                _instrumentation.EndProcess(span, outcome, null);

                // Being alive reads the clock: once per record it showed in the no-op profile. A record that was waited
                // for, and every 64th, tell a health check that counts in minutes enough.
                if (waited || (i & 63) == 63) _progress.Alive();
                if (!outcome.IsApplied && await _deadLetters.RecordMessageErrorAsync(work, consumer, record, outcome, deadLetters, cancellationToken).ConfigureAwait(false) is { } deadLetterFailure)
                {
                    _abandoner.Abandon(unit, 0, deadLetterFailure);
                    return null;
                }

                handled.Add((consumer, record, outcome));
                copies.MarkHandled(i, record, prepared[i]);
            }

            if (setRuns.Current is { } last) await FlushAsync(last, cancellationToken).ConfigureAwait(false);
            _progress.Alive();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _abandoner.FallBackToPerRecord(unit, ex);
            return null;
        }

        return handled.Count == 0 ? null : new UnitCommit(unit, unit.Count, handled, deadLetters, batch: true);
    }

    /// <summary>
    /// The unit's messages per serializer, in the order each first appears, as GroupBy gave them: without copying every
    /// prepared record into groups (most units have one serializer).
    /// </summary>
    private static List<(SerializerInvoker Invoker, List<object> Messages)> MessagesBySerializer(PreparedRecord[] prepared, int count)
    {
        var groups = new List<(SerializerInvoker Invoker, List<object> Messages)>(1);
        for (var i = 0; i < count; i++)
        {
            if (prepared[i].Invoker is not { } invoker) continue;
            var g = 0;
            while (g < groups.Count && !ReferenceEquals(groups[g].Invoker, invoker)) g++;
            if (g == groups.Count) groups.Add((invoker, new List<object>(count - i)));
            groups[g].Messages.Add(prepared[i].Message!);
        }

        return groups;
    }

    /// <summary>Saves a set-wise run in one go, bounded by the save timeout like a prefetch.</summary>
    private async Task FlushAsync(SetSaveRun run, CancellationToken cancellationToken) =>
        await _prefetchDeadline.RunAsync(run, static async (r, ct) =>
        {
            await r.FlushAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private static async Task<bool> PrefetchAsync(SerializerInvoker invoker, List<object> messages, IServiceProvider services, CancellationToken cancellationToken)
    {
        await invoker.PrefetchAsync(messages, services, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static bool BatchSaves(SerializerInvoker invoker, IServiceProvider services)
    {
        try
        {
            return invoker.BatchSaves(services);
        }
        catch (Exception)
        {
            // Resolving the serializer failed (its constructor threw): the careful path meets the same failure per record,
            // where retries and the failure policy handle it.
            return false;
        }
    }
}
