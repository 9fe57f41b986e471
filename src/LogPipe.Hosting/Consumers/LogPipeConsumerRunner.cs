using System.Diagnostics;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.DeadLetters;
using LogPipe.Hosting.Hosting;
using LogPipe.Hosting.Internal;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Runs all consumers round-robin, fair by records, in units of work: each unit is one transaction holding the saves of
/// its records, the dead letters they produced and one checkpoint per partition. The hosted consumer service runs
/// <see cref="RunAsync"/>, which takes and decodes the next unit while the current one commits when the checkpoint store
/// allows it (<see cref="ICheckpointStore.SupportsOverlappedCommits"/>); tests and tools may call
/// <see cref="RunOnceAsync"/> or <see cref="DrainAsync"/> instead, which return once their units committed.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed partial class LogPipeConsumerRunner : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ICheckpointStore _checkpoints;
    private readonly ICheckpointStore _sourceCheckpoints;
    private readonly LogPipeConfiguration _configuration;
    private readonly LogPipeRecordApplier _applier;
    private readonly TransportSelector _transports;
    private readonly LogPipeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _consumerGroup;
    private readonly LogPipeTelemetry _telemetry;
    private ConsumerInstrumentation? _instrumentation;
    private List<ConsumerState>? _consumers;
    private int _rotation;
    private int _transientStreak;
    private DeadLetterForwarder? _forwarder;
    private bool _perRecordNext;

    /// <summary>The unit being given up has a save still running in its scope: its disposal must not hold the loop.</summary>
    private Task? _unitLeftToHungSave;
    private readonly MessageLag _messageLag;
    private readonly ConsumerProgress _progress;
    private readonly SaveDeadline _prefetchDeadline;
    private ConsumerRunnerStatus _status = new(ConsumerRunnerState.NotStarted, null, null, null);

    internal LogPipeConsumerRunner(
        IServiceScopeFactory scopes,
        ICheckpointStore checkpoints,
        LogPipeConfiguration configuration,
        LogPipeRecordApplier applier,
        TransportSelector transports,
        IOptions<LogPipeOptions> options,
        TimeProvider time,
        LogPipeTelemetry telemetry,
        ILogger<LogPipeConsumerRunner> logger)
    {
        _telemetry = telemetry;
        _scopes = scopes;
        _checkpoints = checkpoints;
        // Sources read checkpoints through a wrapper only when commits overlap reading (a Kafka source tells Kafka-stored
        // offsets from the store's type).
        _sourceCheckpoints = checkpoints.SupportsOverlappedCommits ? new CommitOrderedCheckpoints(checkpoints) : checkpoints;
        _configuration = configuration;
        _applier = applier;
        _transports = transports;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _consumerGroup = ConsumerGroupName.Resolve(_options);
        _messageLag = new MessageLag(_options.MinMessageLagMs);
        _progress = new ConsumerProgress(time);
        _prefetchDeadline = DeadlineFor(_options.Failures);
    }

    /// <summary>The consumer group name checkpoints and dead letters are kept under.</summary>
    public string ConsumerGroup => _consumerGroup;

    /// <summary>Where the consumer loop is: for health checks.</summary>
    public ConsumerRunnerStatus Status => _status.State == ConsumerRunnerState.NotStarted ? _status : _status with { LastProgressAt = _progress.LastProgressAt };

    /// <summary>Progress of the loop and of each partition, for health checks.</summary>
    internal ConsumerProgress Progress => _progress;

    /// <summary>The largest lag (records after the committed checkpoint) over all partitions, when known.</summary>
    public long? MaxLag => _instrumentation?.MaxLag();

    /// <summary>The transport in use, for health checks.</summary>
    internal ITransport Transport => _transports.Current;

    /// <summary>Starts every consumer's source (joins groups, lists shards, reads checkpoints). Idempotent.</summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_consumers is not null) return;
        var transport = _transports.Current;
        var consumers = new List<ConsumerState>();
        try
        {
            foreach (var definition in _configuration.Consumers)
            {
                var failures = FailureOptionsFor(definition);
                var source = transport.CreateSource(definition);
                consumers.Add(new ConsumerState(_applier.ProcessorFor(definition), source, failures) { Deadline = DeadlineFor(failures) });
                await source.StartAsync(_sourceCheckpoints, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // A half-started set of sources is closed so a retry starts from nothing.
            foreach (var consumer in consumers) await consumer.Source.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _consumers = consumers;
        _instrumentation = new ConsumerInstrumentation(_telemetry, transport.Name);
        if (_options.DeadLetters.ForwardTo is { Length: > 0 } forwardTo) _forwarder = new DeadLetterForwarder(_transports, forwardTo, _logger);
        _progress.Alive();
        _status = _status with { State = ConsumerRunnerState.Running };
        if (_logger.IsEnabled(LogLevel.Information))
        {
            ConsumerLog.Started(_logger, transport.Name, consumers.Count, string.Join(", ", consumers.Select(c => c.Stream)), _consumerGroup);
        }
    }

    /// <summary>Applies records until <paramref name="cancellationToken"/> is cancelled, waiting for records when all consumers are idle.</summary>
    /// <param name="cancellationToken">Stops the loop; the unit of work in progress commits what it applied.</param>
    /// <exception cref="ConsumerStoppedException">A record's save kept failing under the <see cref="SaveFailurePolicy.Stop"/> policy.</exception>
    /// <exception cref="InvalidMessageException">A message error, with <c>LogPipe:Failures:ThrowErrors</c> on.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        UnitCommit? inFlight = null;
        try
        {
            await StartWithRetryAsync(cancellationToken).ConfigureAwait(false);
            var overlap = _checkpoints.SupportsOverlappedCommits;
            while (!cancellationToken.IsCancellationRequested)
            {
                List<(ConsumerState Consumer, IncomingRecord Record)> unit;
                PreparedRecord[] prepared;
                try
                {
                    // With a commit in flight the loop never waits for records: the commit is settled first.
                    unit = await GatherAsync(wait: inFlight is null, cancellationToken).ConfigureAwait(false);
                    prepared = await PrepareAsync(unit).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (inFlight is not null)
                {
                    var settling = inFlight;
                    inFlight = null;
                    // A failed commit puts this unit back first, then its own records in front of it.
                    if (await FinishAsync(settling, unit).ConfigureAwait(false) == 0) continue;
                }

                if (unit.Count == 0) continue;
                var commit = await ApplyAsync(unit, prepared, background: overlap, cancellationToken).ConfigureAwait(false);
                if (overlap) inFlight = commit;
                else if (commit is not null) await FinishAsync(commit, null).ConfigureAwait(false);
            }

            if (inFlight is not null)
            {
                var settling = inFlight;
                inFlight = null;
                await FinishAsync(settling, null).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _status = _status with { State = ConsumerRunnerState.Faulted, Fault = ex };
            if (inFlight is not null) await SettleAfterFaultAsync(inFlight).ConfigureAwait(false);
            throw;
        }

        _status = _status with { State = ConsumerRunnerState.Stopped };
        ConsumerLog.Stopped(_logger);
    }

    /// <summary>Starts the sources, waiting out transient failures (a database that is not up yet) with backoff.</summary>
    private async Task StartWithRetryAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var backoff = SaveRetryPolicy.Backoff(_options.Failures, Math.Min(attempt, 30));
                ConsumerLog.UnitAbandoned(_logger, ex, 0, (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Applies one unit of work from the records ready now, without waiting for more.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many records were handled (applied, skipped or dead-lettered) and committed.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var unit = await GatherAsync(wait: false, cancellationToken).ConfigureAwait(false);
        return unit.Count == 0 ? 0 : await ApplyAndCommitAsync(unit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies units of work until no record is ready and none is waiting for a retry or its minimum lag — in effect,
    /// "catch up with what has been sent so far".
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many records were handled in total.</returns>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var total = 0;
        while (true)
        {
            var unit = await GatherAsync(wait: false, cancellationToken).ConfigureAwait(false);
            if (unit.Count == 0)
            {
                // A retry's backoff (or a record's minimum lag) can run out between the gathering and this check: that
                // record is ready now, so gather again rather than report "caught up" with it still waiting.
                // Both are judged at one instant: a backoff that ran out between two readings of the clock left a record
                // neither ready nor waiting, and the drain returned with it still pending.
                var now = _time.GetUtcNow();
                if (HasReadyWork(now)) continue;
                if (!HasDeferredWork(now)) return total;
                await WaitForAnyAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            total += await ApplyAndCommitAsync(unit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_consumers is null) return;
        foreach (var consumer in _consumers) await consumer.Source.DisposeAsync().ConfigureAwait(false);
        _consumers = null;
    }

    private bool HasReadyWork(DateTimeOffset now)
    {
        return _consumers!.Exists(c => c.NotBefore <= now && c.TryPeek(out var r) && _messageLag.DueAt(r, now) <= now);
    }

    private bool HasDeferredWork(DateTimeOffset now)
    {
        return _consumers!.Exists(c => c.NotBefore > now || (c.TryPeek(out var r) && _messageLag.DueAt(r, now) > now));
    }

    private FailureOptions FailureOptionsFor(ConsumerDefinition definition)
    {
        var o = _options.Failures;
        var copy = new FailureOptions
        {
            MaxAttempts = o.MaxAttempts,
            InitialBackoffMs = o.InitialBackoffMs,
            MaxBackoffMs = o.MaxBackoffMs,
            Policy = o.Policy,
            ThrowErrors = o.ThrowErrors,
            MaxTransientRetries = o.MaxTransientRetries,
            SaveTimeoutMs = o.SaveTimeoutMs,
        };
        definition.ConfigureFailures?.Invoke(copy);
        return copy;
    }

    /// <summary>
    /// Takes records round-robin, one per consumer per pass, so a busy consumer never starves another and an idle one costs
    /// nothing. Records younger than <c>MinMessageLagMs</c> hold back only their own consumer.
    /// </summary>
    private async Task<List<(ConsumerState, IncomingRecord)>> GatherAsync(bool wait, CancellationToken cancellationToken)
    {
        var consumers = _consumers!;
        var unit = new List<(ConsumerState, IncomingRecord)>();
        if (consumers.Count == 0) return unit;
        var max = Math.Max(1, _options.UnitOfWork.MaxRecords);
        var started = _time.GetTimestamp();
        var budget = TimeSpan.FromMilliseconds(Math.Max(1, _options.UnitOfWork.MaxDurationMs) / 2.0);
        _rotation = (_rotation + 1) % consumers.Count;

        while (true)
        {
            var progressed = false;
            DateTimeOffset? nextDue = null;
            var now = _time.GetUtcNow();
            for (var i = 0; i < consumers.Count && unit.Count < max; i++)
            {
                var consumer = consumers[(_rotation + i) % consumers.Count];
                if (consumer.NotBefore > now)
                {
                    nextDue = Earliest(nextDue, consumer.NotBefore);
                    continue;
                }

                if (!consumer.TryPeek(out var record)) continue;
                if (!consumer.Source.IsCurrent(record))
                {
                    consumer.DropHead();
                    _progress.Forget(record);
                    progressed = true;
                    continue;
                }

                var due = _messageLag.DueAt(record, now);
                if (due > now)
                {
                    nextDue = Earliest(nextDue, due);
                    continue;
                }

                consumer.DropHead();
                unit.Add((consumer, record));
                _progress.Taken(record, consumer.Source);
                progressed = true;
            }

            if (unit.Count >= max || (unit.Count > 0 && _time.GetElapsedTime(started) >= budget)) return unit;
            if (progressed) continue;
            if (unit.Count > 0) return unit;
            if (!wait)
            {
                // Nothing is ready: the loop is alive and idle, which is progress for the health check.
                _progress.Alive();
                return unit;
            }

            await WaitForAnyAsync(cancellationToken, nextDue).ConfigureAwait(false);
            _progress.Alive();
        }
    }

    private async Task WaitForAnyAsync(CancellationToken cancellationToken, DateTimeOffset? until = null)
    {
        var consumers = _consumers!;
        var now = _time.GetUtcNow();
        var timeout = TimeSpan.FromMilliseconds(Math.Max(1, _options.UnitOfWork.IdlePollMs));
        foreach (var c in consumers)
        {
            if (c.NotBefore > now) until = Earliest(until, c.NotBefore);
        }

        if (until is { } u && u - now < timeout) timeout = u - now < TimeSpan.Zero ? TimeSpan.Zero : u - now;
        if (timeout <= TimeSpan.Zero) return;

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wake.CancelAfter(timeout);
        var waits = consumers.Select(c => c.Source.WaitToReadAsync(wake.Token).AsTask()).ToList();
        try
        {
            await Task.WhenAny(waits).ConfigureAwait(false);
        }
        finally
        {
            await wake.CancelAsync().ConfigureAwait(false);
            foreach (var w in waits)
            {
                // Observe every wait so cancelled ones do not surface as unobserved exceptions.
                try { await w.ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Applies one unit and waits for its commit: for callers that report what was committed when they return.</summary>
    private async Task<int> ApplyAndCommitAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(unit).ConfigureAwait(false);
        var commit = await ApplyAsync(unit, prepared, background: false, cancellationToken).ConfigureAwait(false);
        return commit is null ? 0 : await FinishAsync(commit, null).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies a unit in its own scope and transaction and starts its commit, on another thread when
    /// <paramref name="background"/> is set; <see cref="FinishAsync"/> settles it. Returns <see langword="null"/> when there
    /// is nothing to commit (the unit was abandoned or put back, or none of its records is current any more); its scope
    /// and unit of work are then disposed already.
    /// </summary>
    private async Task<UnitCommit?> ApplyAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, bool background, CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        IUnitOfWork? work = null;
        UnitCommit? commit = null;
        try
        {
            try
            {
                work = await _checkpoints.BeginAsync(scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Abandon(unit, 0, ex);
                return null;
            }

            _instrumentation!.Gathered(unit);
            var startedTimestamp = Stopwatch.GetTimestamp();
            var perRecord = _perRecordNext;
            _perRecordNext = false;
            commit = !perRecord && work.SupportsBatchedSaves && CanBatch(unit, prepared, scope.ServiceProvider)
                ? await ApplyBatchAsync(work, unit, prepared, scope.ServiceProvider, cancellationToken).ConfigureAwait(false)
                : await ApplyPerRecordAsync(work, unit, prepared, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            commit?.Start(scope, work, startedTimestamp, background, _sourceCheckpoints as CommitOrderedCheckpoints);
            return commit;
        }
        finally
        {
            if (commit is null && _unitLeftToHungSave is { } hungSave)
            {
                _unitLeftToHungSave = null;
                DisposeUnderHungSave(hungSave, work, scope);
            }
            else if (commit is null)
            {
                if (work is not null) await work.DisposeAsync().ConfigureAwait(false);
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The careful path: each record in its own savepoint, where retries and failure policies work per record. Stops at a
    /// record that must wait (retry backoff, stop policy, shutdown); the records before it are committed.
    /// </summary>
    private async Task<UnitCommit?> ApplyPerRecordAsync(
        IUnitOfWork work,
        List<(ConsumerState Consumer, IncomingRecord Record)> unit,
        PreparedRecord[] prepared,
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
                PutBack(unit, i);
                taken = i;
                break;
            }

            if (!consumer.Source.IsCurrent(record))
            {
                _progress.Forget(record);
                continue;
            }

            // A record whose attempts a save the loop had to abandon used up meets its policy without another try.
            var failure = consumer.FailureOf(record) is { } earlier && SaveRetryPolicy.AttemptsUsedUp(earlier, consumer.Failures) ? earlier : (SaveFailureRecord?)null;
            RecordOutcome outcome = default;
            if (failure is null)
            {
                var activity = _instrumentation!.StartProcess(record);
                try
                {
                    await work.BeginRecordAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // A savepoint that cannot be taken is the database's failure, not the record's.
                    ConsumerInstrumentation.EndProcess(activity, default, ex);
                    Abandon(unit, 0, ex);
                    return null;
                }

                Exception? saveFailure = null;
                try
                {
                    outcome = await consumer.Deadline.RunAsync((Work: work, Record: prepared[i], Services: services), static (s, ct) => ApplyInSavepointAsync(s.Work, s.Record, s.Services, ct), cancellationToken).ConfigureAwait(false);
                    ConsumerInstrumentation.EndProcess(activity, outcome, null);
                    _progress.Alive();
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Whatever a user's code throws (an OperationCanceledException of its own included) is a save failure.
                    ConsumerInstrumentation.EndProcess(activity, default, ex);
                    _instrumentation.SaveFailed(record);
                    saveFailure = ex;
                }

                if (saveFailure is not null)
                {
                    if (await CountSaveFailureAsync(work, unit, i, saveFailure, cancellationToken).ConfigureAwait(false) is not { } counted) return null;
                    if (!SaveRetryPolicy.AttemptsUsedUp(counted, consumer.Failures))
                    {
                        PutBack(unit, i);
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
                    PutBack(unit, i);
                    taken = i;
                    break;
                }

                if (await DeadLetterSaveFailureAsync(work, unit, i, prepared[i], used, deadLetters, cancellationToken).ConfigureAwait(false) is not { } deadLettered) return null;
                consumer.ForgetFailures(record);
                handled.Add((consumer, record, deadLettered));
                continue;
            }

            if (!outcome.IsApplied)
            {
                if (consumer.Failures.ThrowErrors && outcome.Error != MessageErrorKind.IgnoredType)
                {
                    PutBack(unit, 0);
                    throw (Exception?)outcome.Exception as InvalidMessageException
                        ?? new InvalidMessageException(outcome.Error!.Value, outcome.ErrorMessage!);
                }

                if (await HandleMessageErrorAsync(work, consumer, record, outcome, deadLetters, cancellationToken).ConfigureAwait(false) is { } deadLetterFailure)
                {
                    Abandon(unit, 0, deadLetterFailure);
                    return null;
                }
            }
            else
            {
                ConsumerLog.Applied(_logger, record.Partition.Stream, record.Partition.Partition, record.Offset, outcome.MessageType, outcome.Version);
            }

            consumer.ForgetFailures(record);
            handled.Add((consumer, record, outcome));
        }

        if (handled.Count > 0) return new UnitCommit(unit, taken, handled, deadLetters, batch: false) { StopWith = stopWith };
        if (stopWith is not null) throw stopWith;
        return null;
    }

    /// <summary>Units this large decode on two threads; below it the hand-off costs more than it saves.</summary>
    private const int ParallelPrepareThreshold = 64;

    /// <summary>
    /// Decodes and checks every record of the unit (nothing touches the database yet). Decoding is pure CPU and independent
    /// per record, and in a busy consumer it was a quarter of the loop's time on one core: large units decode their second
    /// half on another thread meanwhile.
    /// </summary>
    private static async Task<PreparedRecord[]> PrepareAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit)
    {
        var prepared = new PreparedRecord[unit.Count];
        await TwoThreads.RunAsync(unit.Count, ParallelPrepareThreshold, (from, to) => PrepareRange(unit, prepared, from, to)).ConfigureAwait(false);
        return prepared;
    }

    private static void PrepareRange(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            try
            {
                prepared[i] = unit[i].Consumer.Processor.Prepare(unit[i].Record);
            }
            catch (Exception ex)
            {
                // Decoding runs users' converters: whatever they throw is this record's message error, never the loop's fault.
                prepared[i] = PreparedRecord.Failed(new RecordOutcome(MessageErrorKind.InvalidMessage, $"Decoding failed: {ex.GetType().Name}: {ex.Message}", null, null, ex));
            }
        }
    }

    private async Task AfterCommitAsync(int committed, List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled, List<DeadLetter> deadLetters, long startedTimestamp)
    {
        if (committed == 0) return;
        _transientStreak = 0;
        _instrumentation!.Committed(handled, startedTimestamp);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ConsumerLog.UnitCommitted(_logger, committed, handled.Select(h => h.Record.Partition).Distinct().Count(), (long)Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds);
        }

        _status = _status with { LastCommitAt = _time.GetUtcNow() };
        if (_forwarder is not null && deadLetters.Count > 0) await _forwarder.ForwardAsync(deadLetters, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Batch mode is for units whose serializers all allow it, in consumers that do not throw message errors.</summary>
    private static bool CanBatch(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, IServiceProvider services)
    {
        var any = false;
        var checkedInvokers = new HashSet<SerializerInvoker>();
        for (var i = 0; i < unit.Count; i++)
        {
            if (unit[i].Consumer.Failures.ThrowErrors) return false;
            if (prepared[i].Invoker is not { } invoker) continue;
            any = true;
            if (checkedInvokers.Add(invoker) && !BatchSaves(invoker, services)) return false;
        }

        return any;
    }

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

    /// <summary>
    /// The fast path: prefetch per serializer, apply every record against the change tracker, flush once at commit. Any
    /// save failure abandons the batch; the same records are then applied one by one with savepoints, where retries and
    /// failure policies work per record.
    /// </summary>
    private async Task<UnitCommit?> ApplyBatchAsync(
        IUnitOfWork work,
        List<(ConsumerState Consumer, IncomingRecord Record)> unit,
        PreparedRecord[] prepared,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        work.BeginBatch();
        var handled = new List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)>(unit.Count);
        var deadLetters = new List<DeadLetter>();
        try
        {
            foreach (var group in prepared.Where(p => p.Invoker is not null).GroupBy(p => p.Invoker!))
            {
                await _prefetchDeadline.RunAsync((Invoker: group.Key, Messages: group.Select(p => p.Message!).ToList(), Services: services), static (s, ct) => PrefetchAsync(s.Invoker, s.Messages, s.Services, ct), cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < unit.Count; i++)
            {
                var (consumer, record) = unit[i];
                if (!consumer.Source.IsCurrent(record)) continue;
                var activity = _instrumentation!.StartProcess(record);
                RecordOutcome outcome;
                try
                {
                    outcome = await consumer.Deadline.RunAsync((Record: prepared[i], Services: services), static (s, ct) => RecordProcessor.ApplyAsync(s.Record, s.Services, ct), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    ConsumerInstrumentation.EndProcess(activity, default, ex);
                    throw;
                }

                ConsumerInstrumentation.EndProcess(activity, outcome, null);
                _progress.Alive();
                if (!outcome.IsApplied && await HandleMessageErrorAsync(work, consumer, record, outcome, deadLetters, cancellationToken).ConfigureAwait(false) is { } deadLetterFailure)
                {
                    Abandon(unit, 0, deadLetterFailure);
                    return null;
                }

                handled.Add((consumer, record, outcome));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            FallBackToPerRecord(unit, ex);
            return null;
        }

        return handled.Count == 0 ? null : new UnitCommit(unit, unit.Count, handled, deadLetters, batch: true);
    }

    private void FallBackToPerRecord(List<(ConsumerState Consumer, IncomingRecord Record)> unit, Exception cause)
    {
        if (cause is SaveTimeoutException { Abandoned: true, StillRunning: { } hung }) _unitLeftToHungSave = hung;
        if (TransientErrors.IsTransient(cause))
        {
            // Whether the database is down or one record's save times out, the careful path tells: it counts failures
            // against the record whose savepoint they hit, and abandons the unit when the database does not answer.
            Abandon(unit, 0, cause);
            _perRecordNext = true;
            return;
        }

        ConsumerLog.BatchFellBack(_logger, cause, unit.Count);
        PutBack(unit, 0);
        _perRecordNext = true;
    }

    /// <summary>Logs a message error and keeps its record as a dead letter; returns why the dead letter could not be written, or <see langword="null"/>.</summary>
    private async Task<Exception?> HandleMessageErrorAsync(IUnitOfWork work, ConsumerState consumer, IncomingRecord record, RecordOutcome outcome, List<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        var p = record.Partition;
        if (outcome.Error == MessageErrorKind.IgnoredType)
        {
            ConsumerLog.IgnoredType(_logger, p.Stream, p.Partition, record.Offset, outcome.MessageType, outcome.Version);
            return null;
        }

        ConsumerLog.MessageError(_logger, p.Stream, p.Partition, record.Offset, outcome.MessageType, outcome.Version, outcome.Error!.Value, outcome.ErrorMessage!);
        try
        {
            var deadLetter = ToDeadLetter(record, outcome, consumer.AttemptsOf(record) + 1, _time.GetUtcNow());
            await work.AddDeadLetterAsync(deadLetter, cancellationToken).ConfigureAwait(false);
            deadLetters.Add(deadLetter);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged once, by the abandoning of the unit, with its real size and backoff.
            return ex;
        }
    }

    private DeadLetter ToDeadLetter(IncomingRecord record, RecordOutcome outcome, int attempts, DateTimeOffset firstFailedAt) => new()
    {
        ConsumerGroup = _consumerGroup,
        Partition = record.Partition,
        Offset = record.Offset,
        SequenceNumber = record.SequenceNumber,
        Key = record.Key?.ToArray(),
        Value = record.Value.ToArray(),
        Headers = record.Headers,
        MessageType = outcome.MessageType,
        Version = outcome.Version,
        ErrorKind = outcome.Error!.Value,
        Error = outcome.ErrorMessage!,
        Attempts = attempts,
        RecordTimestamp = record.Timestamp,
        FirstFailedAt = firstFailedAt,
        DeadLetteredAt = _time.GetUtcNow(),
    };

    /// <summary>
    /// Waits for a unit's commit and settles it, on the consumer loop's thread: on success the sources hear of the new
    /// checkpoints and metrics and logs are written; on failure its records go back (after <paramref name="lookahead"/>,
    /// the unit taken meanwhile, which goes back first so that the order is kept), fenced partitions are rewound, or the
    /// next unit is applied record by record. Returns how many records were committed, 0 on failure.
    /// </summary>
    private async Task<int> FinishAsync(UnitCommit commit, List<(ConsumerState Consumer, IncomingRecord Record)>? lookahead)
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
                PutBack(unit.Where(u => !fenced.Contains(u.Record.Partition)).ToList(), 0);
                return 0;
            }
            catch (Exception ex) when (commit.Batch)
            {
                // The batch's flush failed (for example a key clash a lookup could not see, or one record's statement timing
                // out): apply the records one by one, where each failure is the failing record's.
                PutBackLookahead();
                FallBackToPerRecord(unit, ex);
                return 0;
            }
            catch (Exception ex)
            {
                PutBackLookahead();
                Abandon(unit, 0, ex);
                return 0;
            }

            foreach (var group in commit.Last.Values.GroupBy(v => v.Consumer))
            {
                await group.Key.Source.OnCommittedAsync(group.Select(g => new CheckpointUpdate(g.Record.Partition, g.Record.NextCheckpoint)).ToList(), CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var (partition, last) in commit.Last) _progress.Committed(partition, last.Record.Offset + 1);

            await AfterCommitAsync(commit.Handled.Count, commit.Handled, commit.DeadLetters, commit.StartedTimestamp).ConfigureAwait(false);
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
            if (lookahead is { Count: > 0 }) PutBack(lookahead, 0);
        }
    }

    /// <summary>
    /// The loop failed while a commit was in flight: the commit is still waited for and settled (its records are put back
    /// if it failed), and anything it throws is logged, not allowed to hide the loop's own failure.
    /// </summary>
    private async Task SettleAfterFaultAsync(UnitCommit commit)
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
                var backoff = SaveRetryPolicy.Backoff(_options.Failures, Math.Min(attempt, 30));
                ConsumerLog.UnitAbandoned(_logger, ex, 0, (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, _time).ConfigureAwait(false);
            }
        }
    }

    private void Abandon(List<(ConsumerState Consumer, IncomingRecord Record)> unit, int from, Exception? cause)
    {
        // Infrastructure failures (database down) back off exponentially without counting against any record.
        _transientStreak = Math.Min(_transientStreak + 1, 30);
        var backoff = SaveRetryPolicy.Backoff(_options.Failures, _transientStreak);
        ConsumerLog.UnitAbandoned(_logger, cause ?? new InvalidOperationException("dead letter could not be written"), unit.Count, (long)backoff.TotalMilliseconds);
        PutBack(unit, from);
        var until = _time.GetUtcNow() + backoff;
        foreach (var consumer in unit.Select(u => u.Consumer).Distinct()) consumer.NotBefore = until;
    }

    private static void PutBack(List<(ConsumerState Consumer, IncomingRecord Record)> unit, int from)
    {
        for (var j = unit.Count - 1; j >= from; j--) unit[j].Consumer.PutBack(unit[j].Record);
    }

    private SaveDeadline DeadlineFor(FailureOptions failures) => new(TimeSpan.FromMilliseconds(Math.Max(1, failures.SaveTimeoutMs)), _time);

    /// <summary>
    /// A unit of work whose records are applied and whose commit has started: what settling it needs, and the scope and
    /// transaction it keeps open until then.
    /// </summary>
    private sealed class UnitCommit(
        List<(ConsumerState Consumer, IncomingRecord Record)> unit,
        int taken,
        List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled,
        List<DeadLetter> deadLetters,
        bool batch) : IAsyncDisposable
    {
        private AsyncServiceScope _scope;
        private IUnitOfWork? _work;

        public List<(ConsumerState Consumer, IncomingRecord Record)> Unit { get; } = unit;

        /// <summary>How many of the unit's records (from the first) this commit is about; the rest were put back already.</summary>
        public int Taken { get; } = taken;

        public List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> Handled { get; } = handled;

        public List<DeadLetter> DeadLetters { get; } = deadLetters;

        public bool Batch { get; } = batch;

        /// <summary>Thrown once the commit is settled (the stop policy): the records before the failing one are kept.</summary>
        public Exception? StopWith { get; init; }

        /// <summary>The last handled record of each partition: its checkpoint is written.</summary>
        public Dictionary<PartitionKey, (ConsumerState Consumer, IncomingRecord Record)> Last { get; } = [];

        public long StartedTimestamp { get; private set; }

        public Task Completion { get; private set; } = Task.CompletedTask;

        public void Start(AsyncServiceScope scope, IUnitOfWork work, long startedTimestamp, bool background, CommitOrderedCheckpoints? reads)
        {
            _scope = scope;
            _work = work;
            StartedTimestamp = startedTimestamp;
            foreach (var h in Handled) Last[h.Record.Partition] = (h.Consumer, h.Record);
            var updates = Last.Values.Select(h => new CheckpointUpdate(h.Record.Partition, h.Record.NextCheckpoint)).ToList();

            // Once applying is done, the commit runs to its end even during shutdown: a half-done commit helps nobody. In
            // the background it runs on a pool thread, since providers such as SQLite complete "async" calls inline.
            Completion = background ? Task.Run(() => work.CommitAsync(updates, CancellationToken.None)) : CommitInline(work, updates);
            reads?.CommitStarted(Completion);
        }

        public async ValueTask DisposeAsync()
        {
            if (_work is not null) await _work.DisposeAsync().ConfigureAwait(false);
            await _scope.DisposeAsync().ConfigureAwait(false);
        }

        private static Task CommitInline(IUnitOfWork work, IReadOnlyList<CheckpointUpdate> updates)
        {
            try
            {
                return work.CommitAsync(updates, CancellationToken.None);
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
        }
    }
}
