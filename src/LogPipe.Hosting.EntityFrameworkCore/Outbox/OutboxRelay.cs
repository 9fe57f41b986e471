using System.Globalization;
using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Publishes the committed outbox entries of <typeparamref name="TDbContext"/>'s database: while it holds the database's
/// lease, it reads unsent entries in <c>Id</c> (commit) order, sends them in batches (records of one key keep their
/// order), deletes the acknowledged ones, and sets aside the ones the broker refused for good. Commits of this process
/// wake it at once; others' are found within <see cref="OutboxOptions.PollInterval"/>. Broker or database outages are
/// retried with backoff; writers never wait for them.
/// </summary>
/// <remarks>
/// Every batch is read from the lowest id, never after the last id relayed: a transaction that commits late with a lower id
/// is still found, and sent before any later change of its key.
/// </remarks>
internal sealed class OutboxRelay<TDbContext> : BackgroundService, IPendingOutboxRelay
    where TDbContext : DbContext
{
    public const string SourceHeader = "logpipe-outbox-source";
    public const string SequenceHeader = "logpipe-outbox-sequence";

    private readonly IServiceScopeFactory _scopes;
    private readonly TransportSelector _transports;
    private readonly OutboxSignal _signal;
    private readonly OutboxMetrics _metrics;
    private readonly LogPipeTelemetry _telemetry;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _owner;
    private readonly OutboxRelayLease<TDbContext> _lease;
    private readonly OutboxSendFailureHandler<TDbContext> _failures;

    // One cycle at a time: a test's RelayPendingAsync and the background loop would otherwise send the same rows twice.
    // Never disposed: without its wait handle it holds nothing, and a late Release must not fail during shutdown.
    private readonly SemaphoreSlim _cycle = new(1, 1);

    public OutboxRelay(
        IServiceScopeFactory scopes,
        TransportSelector transports,
        OutboxSignal signal,
        OutboxMetrics metrics,
        LogPipeTelemetry telemetry,
        IOptions<OutboxOptions> options,
        TimeProvider time,
        ILogger<OutboxRelay<TDbContext>> logger)
    {
        _scopes = scopes;
        _transports = transports;
        _signal = signal;
        _metrics = metrics;
        _telemetry = telemetry;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var machine = Environment.MachineName.Length > 100 ? Environment.MachineName[..100] : Environment.MachineName;
        _owner = FormattableString.Invariant($"{machine}:{Environment.ProcessId}:{Guid.NewGuid():N}");
        _lease = new OutboxRelayLease<TDbContext>(scopes, _owner, _options.LeaseDuration, time, logger);
        _failures = new OutboxSendFailureHandler<TDbContext>(this, time, logger);
    }

    /// <summary>Whether this instance holds the lease (as of its last try).</summary>
    public bool HoldsLease => _lease.Held;

    private TimeSpan PollInterval => _options.PollInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CycleOnceAsync(stoppingToken).ConfigureAwait(false);
                if (failures > 0) OutboxLog.Recovered(_logger, failures);
                failures = 0;
                await _signal.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: a cycle cut short leaves its entries for the next one (or the next instance); nothing is lost.
                break;
            }
            catch (Exception ex)
            {
                failures = Math.Min(failures + 1, RetryBackoff.MaxStreak);
                var wait = RetryBackoff.Exponential(_options.InitialBackoff, _options.MaxBackoff, failures, BackoffJitter.Proportional);
                if (ex is OutboxSendFailure send)
                {
                    OutboxLog.SendFailed(_logger, send.InnerException!, send.Failed, send.Count, send.ErrorCode, (long)wait.TotalMilliseconds);
                }
                else
                {
                    OutboxLog.RelayFailed(_logger, ex, (long)wait.TotalMilliseconds);
                }

                try
                {
                    await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();

        // A relay still ending (a host disposed without being stopped) releases its lease first and disposes it then.
        if (ExecuteTask is null || ExecuteTask.IsCompleted) _lease.Dispose();
    }

    private Task<string?> TakeLeaseAsync(CancellationToken cancellationToken) => _lease.TakeAsync(cancellationToken);

    private async Task ReleaseAsync()
    {
        try
        {
            await _lease.ReleaseAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lease not released expires on its own; stopping must not fail for it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OutboxLog.RelayFailed(_logger, ex, 0);
        }
        finally
        {
            _lease.Dispose();
        }
    }

    /// <inheritdoc />
    public async Task<bool> RelayPendingAsync(CancellationToken cancellationToken)
    {
        await CycleOnceAsync(cancellationToken).ConfigureAwait(false);
        return HoldsLease;
    }

    private async Task CycleOnceAsync(CancellationToken cancellationToken)
    {
        await _cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CycleAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _cycle.Release();
        }
    }

    /// <summary>Takes or renews the lease; while held, relays passes until one finds no unsent entry.</summary>
    private async Task CycleAsync(CancellationToken cancellationToken)
    {
        var source = await TakeLeaseAsync(cancellationToken).ConfigureAwait(false);
        if (source is null) return;
        var sourceHeader = Encoding.UTF8.GetBytes(source);
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();

            // Observed before sending too, so the backlog shows while sends fail (a broker outage).
            await ObserveBacklogAsync(db, cancellationToken).ConfigureAwait(false);
            while (await RelayPassAsync(db, sourceHeader, cancellationToken).ConfigureAwait(false))
            {
                if (await TakeLeaseAsync(cancellationToken).ConfigureAwait(false) is null) return;
            }

            await ObserveBacklogAsync(db, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One pass over the outbox: batches in id order, each read (from the lowest id) while the previous one is in flight,
    /// and deleted while the next one is.
    /// </summary>
    /// <returns><see langword="false"/> when the pass found nothing to send.</returns>
    private async Task<bool> RelayPassAsync(TDbContext db, byte[] sourceHeader, CancellationToken cancellationToken)
    {
        var next = await OutboxBatchReader.ReadAsync(db, _options.BatchSize, null).ConfigureAwait(false);
        if (next is null) return false;
        var sender = _transports.Current.Sender;
        List<LogPipeOutboxEntry>? acknowledged = null;
        while (next is { } batch && await TakeLeaseAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            // One batch in flight at a time: a transport may retry a batch's failed records, which must not pass the next batch's.
            var send = SendAsync(sender, batch.Rows, sourceHeader, cancellationToken);
            try
            {
                // Not cancelled by a stop: what the broker acknowledged is recorded, or a clean stop would leave copies to resend.
                if (acknowledged is not null) await DeleteAsync(db, acknowledged).ConfigureAwait(false);
                acknowledged = null;
                next = await OutboxBatchReader.ReadAsync(db, _options.BatchSize, batch.Rows).ConfigureAwait(false);
            }
            catch
            {
                await ((Task)send).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }

            if (await send.ConfigureAwait(false) is { } failure)
            {
                await _failures.HandleAsync(db, sender, batch.Rows, failure, sourceHeader, cancellationToken).ConfigureAwait(false);
                return true;
            }

            acknowledged = batch.Rows;
            OutboxLog.BatchRelayed(_logger, batch.Rows.Count, batch.Rows[^1].Id);
        }

        if (acknowledged is not null) await DeleteAsync(db, acknowledged).ConfigureAwait(false);
        return true;
    }

    /// <summary>Sends a batch and waits for its acknowledgement; the transport's refusal, or <see langword="null"/> when all were stored.</summary>
    private async Task<RecordSendException?> SendAsync(IRecordSender sender, List<LogPipeOutboxEntry> rows, byte[] sourceHeader, CancellationToken cancellationToken)
    {
        var records = rows.ConvertAll(row => ToRecord(row, sourceHeader));
        using var activity = OutboxRelayTracing.StartSend(_telemetry, _transports.Name, records);
        try
        {
            await RenewWhileAsync(sender.SendBatchAsync(records, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RecordSendException ex)
        {
            OutboxRelayTracing.Failed(activity, ex);
            return ex;
        }
    }

    /// <summary>Keeps the lease while a send is in flight, however long the transport takes to settle it.</summary>
    internal async Task RenewWhileAsync(Task send, CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromMilliseconds(Math.Max(1, (long)_options.LeaseDuration.TotalMilliseconds / 3));
        while (await Task.WhenAny(send, Task.Delay(every, _time, cancellationToken)).ConfigureAwait(false) != send)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await TakeLeaseAsync(cancellationToken).ConfigureAwait(false);
        }

        await send.ConfigureAwait(false);
    }

    /// <summary>Deletes acknowledged entries (not cancelled by a stop) and counts them in the metrics.</summary>
    internal async Task DeleteAsync(TDbContext db, IReadOnlyList<LogPipeOutboxEntry> rows)
    {
        if (rows.Count == 0) return;
        await OutboxRelayStore.DeleteAsync(db, rows, CancellationToken.None).ConfigureAwait(false);
        if (!_metrics.Enabled) return;
        var now = _time.GetUtcNow();
        foreach (var row in rows)
        {
            var topic = new KeyValuePair<string, object?>("messaging.destination.name", row.Topic);
            _metrics.Latency!.Record(Math.Max(0, (now - row.CreatedAt).TotalSeconds), topic);
            _metrics.Relayed!.Add(1, topic);
        }
    }

    private async Task ObserveBacklogAsync(TDbContext db, CancellationToken cancellationToken)
    {
        if (!_metrics.Enabled) return;
        var stats = await OutboxQueries.StatsAsync(db, cancellationToken).ConfigureAwait(false);
        _metrics.Observe(stats.Backlog, stats.OldestCreatedAt is { } at ? _time.GetUtcNow() - at : TimeSpan.Zero, stats.SetAside);
    }

    internal static OutgoingRecord ToRecord(LogPipeOutboxEntry row, byte[] sourceHeader)
    {
        var headers = OutboxInserter.ParseHeaders(row.Headers);
        headers.Add(new(SourceHeader, sourceHeader));
        headers.Add(new(SequenceHeader, Encoding.UTF8.GetBytes(row.Id.ToString(CultureInfo.InvariantCulture))));
        return new OutgoingRecord(row.Topic, row.Key, row.Value, headers);
    }
}
