using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Diagnostics;
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
public sealed class LogPipeConsumerRunner : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ICheckpointStore _checkpoints;
    private readonly CommitOrderedCheckpoints _sourceCheckpoints;
    private readonly LogPipeConfiguration _configuration;
    private readonly LogPipeRecordApplier _applier;
    private readonly TransportSelector _transports;
    private readonly LogPipeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _consumerGroup;
    private readonly LogPipeTelemetry _telemetry;
    private readonly MessageLag _messageLag;
    private readonly ConsumerProgress _progress;
    private readonly SaveDeadline _prefetchDeadline;
    private readonly IConsumedRecordObserver? _observer;

    // Lives as long as the runner, like the backoff streak and the per-record switch it keeps: a restart does not reset them.
    private readonly UnitAbandoner _abandoner;
    private ConsumerRunnerStatus _status = new(ConsumerRunnerState.NotStarted, null, null, null);

    // The parts, composed once the sources started.
    private List<ConsumerState>? _consumers;
    private ConsumerInstrumentation? _instrumentation;
    private UnitGatherer? _gatherer;
    private UnitApplier? _unitApplier;
    private CommitSettler? _settler;

    internal LogPipeConsumerRunner(
        IServiceScopeFactory scopes,
        ICheckpointStore checkpoints,
        LogPipeConfiguration configuration,
        LogPipeRecordApplier applier,
        TransportSelector transports,
        IOptions<LogPipeOptions> options,
        TimeProvider time,
        LogPipeTelemetry telemetry,
        ILogger<LogPipeConsumerRunner> logger,
        IConsumedRecordObserver? observer = null)
    {
        _telemetry = telemetry;
        _observer = observer;
        _scopes = scopes;
        _checkpoints = checkpoints;
        // Sources read checkpoints through a wrapper that orders their reads after the unit in flight: they read on threads
        // of their own while units apply and commit.
        _sourceCheckpoints = new CommitOrderedCheckpoints(checkpoints);
        _configuration = configuration;
        _applier = applier;
        _transports = transports;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _consumerGroup = ConsumerGroupName.Resolve(_options);
        _messageLag = new MessageLag(_options.MinMessageLag);
        _progress = new ConsumerProgress(time);
        _prefetchDeadline = DeadlineFor(_options.Failures);
        _abandoner = new UnitAbandoner(_options.Failures, time, logger);
    }

    /// <summary>The consumer group name checkpoints and dead letters are kept under.</summary>
    public string ConsumerGroup => _consumerGroup;

    /// <summary>Where the consumer loop is: for health checks.</summary>
    public ConsumerRunnerStatus Status => _status.State == ConsumerRunnerState.NotStarted
        ? _status
        : _status with { LastProgressAt = _progress.LastProgressAt, LastCommitAt = _settler?.LastCommitAt ?? _status.LastCommitAt };

    /// <summary>Progress of the loop and of each partition, for health checks.</summary>
    internal ConsumerProgress Progress => _progress;

    /// <summary>The largest lag (records after the committed checkpoint) over all partitions, when known.</summary>
    public long? MaxLag => _instrumentation?.MaxLag();

    /// <summary>The partition furthest behind its newest record in time, over sources that measure it (<see cref="ITimeLagSource"/>).</summary>
    internal KeyValuePair<PartitionKey, TimeSpan>? MaxTimeBehindLatest
    {
        get
        {
            KeyValuePair<PartitionKey, TimeSpan>? max = null;
            foreach (var consumer in Volatile.Read(ref _consumers) ?? [])
            {
                if (consumer.Source is not ITimeLagSource source) continue;
                foreach (var lag in source.TimeBehindLatest())
                {
                    if (max is null || lag.Value > max.Value.Value) max = lag;
                }
            }

            return max;
        }
    }

    /// <summary>The name of the transport in use (<c>LogPipe:Transport</c>), for the dashboard.</summary>
    internal string TransportName => _transports.Name;

    /// <summary>The checkpoint store, for the dashboard's read of shard leases.</summary>
    internal ICheckpointStore Checkpoints => _checkpoints;

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

        Compose(consumers, transport);
        _progress.Alive();
        _status = _status with { State = ConsumerRunnerState.Running };
        if (_logger.IsEnabled(LogLevel.Information))
        {
            ConsumerLog.Started(_logger, transport.Name, consumers.Count, string.Join(", ", consumers.Select(c => c.Stream)), _consumerGroup);
        }
    }

    /// <summary>Builds the loop's parts around the started consumers.</summary>
    private void Compose(List<ConsumerState> consumers, ITransport transport)
    {
        // A restart after disposal composes new parts: the time of the last commit is kept.
        _status = _status with { LastCommitAt = _settler?.LastCommitAt ?? _status.LastCommitAt };
        var instrumentation = new ConsumerInstrumentation(_telemetry, transport.Name, _consumerGroup, _progress.Activity);
        var forwarder = _options.DeadLetters.ForwardTo is { Length: > 0 } forwardTo ? new DeadLetterForwarder(_transports, forwardTo, _logger) : null;
        var deadLetters = new DeadLetterRecorder(_consumerGroup, _abandoner, forwarder, _time, _logger);
        var perRecord = new PerRecordApplier(instrumentation, _progress, _abandoner, deadLetters, _time, _logger);
        var batch = new BatchApplier(instrumentation, _progress, _abandoner, deadLetters, _prefetchDeadline);
        _consumers = consumers;
        _instrumentation = instrumentation;
        _gatherer = new UnitGatherer(consumers, _options.UnitOfWork, _messageLag, _progress, _time);
        _unitApplier = new UnitApplier(_scopes, _checkpoints, _sourceCheckpoints, instrumentation, _abandoner, perRecord, batch, _logger);
        _settler = new CommitSettler(instrumentation, _progress, _abandoner, deadLetters, _options.Failures, _time, _logger, _observer);
    }

    /// <summary>Applies records until <paramref name="cancellationToken"/> is cancelled, waiting for records when all consumers are idle.</summary>
    /// <param name="cancellationToken">Stops the loop; the unit of work in progress commits what it applied.</param>
    /// <exception cref="ConsumerStoppedException">A record's save kept failing under the <see cref="SaveFailurePolicy.Stop"/> policy.</exception>
    /// <exception cref="InvalidMessageException">A message error, with <c>LogPipe:Failures:ThrowErrors</c> on.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        UnitCommit? inFlight = null;
        Task<GatheredUnit>? next = null;
        try
        {
            await StartWithRetryAsync(cancellationToken).ConfigureAwait(false);
            var overlap = _checkpoints.SupportsOverlappedCommits;
            while (!cancellationToken.IsCancellationRequested)
            {
                GatheredUnit gathered;
                try
                {
                    // With a commit in flight the next unit was handed to a pool thread, which never waits for records:
                    // the commit is settled first.
                    gathered = next is null ? await GatherAsync(wait: true, cancellationToken).ConfigureAwait(false) : await TakeNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var (unit, prepared, epoch) = gathered;
                if (inFlight is not null)
                {
                    var settling = inFlight;
                    inFlight = null;
                    // A failed commit puts this unit back first, then its own records in front of it.
                    if (await _settler!.FinishAsync(settling, unit).ConfigureAwait(false) == 0)
                    {
                        UnitPreparer.Return(prepared);
                        continue;
                    }
                }

                if (unit.Count == 0) continue;
                var commit = await ApplyPreparedAsync(unit, prepared, epoch, deferCommit: overlap, cancellationToken).ConfigureAwait(false);
                if (commit is null) continue;
                if (!overlap)
                {
                    await _settler!.FinishAsync(commit, null).ConfigureAwait(false);
                    continue;
                }

                // The next unit is taken and decoded on a pool thread while this thread runs the commit: a commit handed
                // to the pool instead waited for a thread to run it (about a quarter of its time on two busy cores), and
                // every unit waits for its predecessor's commit. SQLite's "async" commit runs to its end right here.
                next = Task.Run(() => GatherAsync(wait: false, cancellationToken), CancellationToken.None);
                inFlight = commit;
                commit.Run();
            }

            if (inFlight is not null)
            {
                var settling = inFlight;
                inFlight = null;
                // Settled as in the loop: a failed commit puts back the unit gathered meanwhile too, behind its own records.
                var lookahead = await DrainNextAsync().ConfigureAwait(false);
                await _settler!.FinishAsync(settling, lookahead?.Unit).ConfigureAwait(false);
                if (lookahead is { } left) UnitPreparer.Return(left.Prepared);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _status = _status with { State = ConsumerRunnerState.Faulted, Fault = ex };
            if (await DrainNextAsync().ConfigureAwait(false) is { } left) UnitPreparer.Return(left.Prepared);
            if (inFlight is not null) await _settler!.SettleAfterFaultAsync(inFlight).ConfigureAwait(false);
            throw;
        }

        _status = _status with { State = ConsumerRunnerState.Stopped };
        ConsumerLog.Stopped(_logger);

        async Task<GatheredUnit> TakeNextAsync()
        {
            var pending = next!;
            next = null;
            return await pending.ConfigureAwait(false);
        }

        // The unit gathered while the last commit ran, once its gathering ended (it must not touch the sources after the
        // loop), or null when there was none or it was cancelled or failed: the loop is ending either way.
        async Task<GatheredUnit?> DrainNextAsync()
        {
            if (next is null) return null;
            try
            {
                return await TakeNextAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                return null;
            }
        }
    }

    /// <summary>A unit's records, decoded, and the revocation epoch read before they were gathered.</summary>
    private readonly record struct GatheredUnit(List<(ConsumerState Consumer, IncomingRecord Record)> Unit, PreparedRecord[] Prepared, long Epoch);

    /// <summary>Gathers a unit (waiting for records only when <paramref name="wait"/> is set) and decodes it.</summary>
    private async Task<GatheredUnit> GatherAsync(bool wait, CancellationToken cancellationToken)
    {
        var epoch = _sourceCheckpoints.RevocationEpoch;
        var unit = await _gatherer!.GatherAsync(wait, cancellationToken).ConfigureAwait(false);
        return new GatheredUnit(unit, await UnitPreparer.PrepareAsync(unit).ConfigureAwait(false), epoch);
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
                var backoff = RetryBackoff.Before(_options.Failures, Math.Min(attempt, RetryBackoff.MaxStreak));
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
        var epoch = _sourceCheckpoints.RevocationEpoch;
        var unit = await _gatherer!.GatherAsync(wait: false, cancellationToken).ConfigureAwait(false);
        return unit.Count == 0 ? 0 : await ApplyAndCommitAsync(unit, epoch, cancellationToken).ConfigureAwait(false);
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
            var epoch = _sourceCheckpoints.RevocationEpoch;
            var unit = await _gatherer!.GatherAsync(wait: false, cancellationToken).ConfigureAwait(false);
            if (unit.Count == 0)
            {
                // A retry's backoff (or a record's minimum lag) can run out between the gathering and this check: that
                // record is ready now, so gather again rather than report "caught up" with it still waiting.
                // Both are judged at one instant: a backoff that ran out between two readings of the clock left a record
                // neither ready nor waiting, and the drain returned with it still pending.
                var now = _time.GetUtcNow();
                if (_gatherer.HasReadyWork(now)) continue;
                if (!_gatherer.HasDeferredWork(now)) return total;
                await _gatherer.WaitForAnyAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            total += await ApplyAndCommitAsync(unit, epoch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_consumers is null) return;
        foreach (var consumer in _consumers) await consumer.Source.DisposeAsync().ConfigureAwait(false);
        _consumers = null;
    }

    private FailureOptions FailureOptionsFor(ConsumerDefinition definition)
    {
        var o = _options.Failures;
        var copy = new FailureOptions
        {
            MaxAttempts = o.MaxAttempts,
            InitialBackoff = o.InitialBackoff,
            MaxBackoff = o.MaxBackoff,
            Policy = o.Policy,
            ThrowErrors = o.ThrowErrors,
            MaxTransientRetries = o.MaxTransientRetries,
            SaveTimeout = o.SaveTimeout,
        };
        definition.ConfigureFailures?.Invoke(copy);
        return copy;
    }

    /// <summary>Applies one unit and waits for its commit: for callers that report what was committed when they return.</summary>
    private async Task<int> ApplyAndCommitAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit, long epoch, CancellationToken cancellationToken)
    {
        var prepared = await UnitPreparer.PrepareAsync(unit).ConfigureAwait(false);
        var commit = await ApplyPreparedAsync(unit, prepared, epoch, deferCommit: false, cancellationToken).ConfigureAwait(false);
        return commit is null ? 0 : await _settler!.FinishAsync(commit, null).ConfigureAwait(false);
    }

    /// <summary>Applies a prepared unit and gives its pooled array back: nothing reads it once the unit is applied.</summary>
    private async Task<UnitCommit?> ApplyPreparedAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, long epoch, bool deferCommit, CancellationToken cancellationToken)
    {
        try
        {
            return await _unitApplier!.ApplyAsync(unit, prepared, epoch, deferCommit, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            UnitPreparer.Return(prepared);
        }
    }

    private SaveDeadline DeadlineFor(FailureOptions failures) => new(failures.SaveTimeout > TimeSpan.Zero ? failures.SaveTimeout : TimeSpan.FromMilliseconds(1), _time);
}
