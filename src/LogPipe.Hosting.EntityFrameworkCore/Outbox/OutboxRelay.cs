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
/// lease, it reads unsent entries in <c>Id</c> (commit) order, sends them as one batch (records of one key keep their
/// order), deletes the acknowledged ones, and sets aside the ones the broker refused for good. Commits of this process
/// wake it at once; others' are found within <see cref="OutboxOptions.PollInterval"/>. Broker or database outages are
/// retried with backoff; writers never wait for them.
/// </summary>
/// <remarks>
/// It never skips by "id above the last one relayed": a transaction that commits late with a lower id is still found,
/// because every cycle reads the unsent rows from the lowest id.
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
    private readonly OutboxLeaseHolder _lease;

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
        _lease = new OutboxLeaseHolder(_owner, _options.LeaseDuration, time);
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
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

    /// <summary>Takes or renews the lease; while held, sends batches until no unsent entry is left.</summary>
    private async Task CycleAsync(CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var source = await TakeLeaseAsync(db, cancellationToken).ConfigureAwait(false);
            if (source is null) return;
            var sourceHeader = Encoding.UTF8.GetBytes(source);

            // Observed before sending too, so the backlog shows while sends fail (a broker outage).
            await ObserveBacklogAsync(db, cancellationToken).ConfigureAwait(false);
            while (await RelayBatchAsync(db, sourceHeader, cancellationToken).ConfigureAwait(false))
            {
                db.ChangeTracker.Clear();
                if (await TakeLeaseAsync(db, cancellationToken).ConfigureAwait(false) is null) return;
            }

            await ObserveBacklogAsync(db, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> TakeLeaseAsync(DbContext db, CancellationToken cancellationToken)
    {
        var held = HoldsLease;
        var source = await _lease.TakeAsync(db, cancellationToken).ConfigureAwait(false);
        if (source is not null && !held) OutboxLog.LeaseTaken(_logger, _owner, source);
        if (source is null && held) OutboxLog.LeaseLost(_logger, _owner);
        return source;
    }

    /// <summary>Sends the oldest unsent entries; <see langword="false"/> when there were none.</summary>
    private async Task<bool> RelayBatchAsync(TDbContext db, byte[] sourceHeader, CancellationToken cancellationToken)
    {
        var rows = await db.Set<LogPipeOutboxEntry>().AsNoTracking()
            .Where(e => e.SetAsideAt == null)
            .OrderBy(e => e.Id)
            .Take(_options.BatchSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return false;

        var records = rows.ConvertAll(row => ToRecord(row, sourceHeader));
        var sender = _transports.Current.Sender;
        using var activity = OutboxRelayTracing.StartSend(_telemetry, _transports.Name, records);
        try
        {
            await RenewWhileAsync(sender.SendBatchAsync(records, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);

            // Not cancelled by a stop: what the broker acknowledged is recorded, or a clean stop would leave copies to resend.
            await DeleteAsync(db, rows, CancellationToken.None).ConfigureAwait(false);
            OutboxLog.BatchRelayed(_logger, rows.Count, rows[^1].Id);
            return true;
        }
        catch (RecordSendException ex)
        {
            OutboxRelayTracing.Failed(activity, ex);
            var sent = rows.Where((_, i) => i < ex.Positions.Count && ex.Positions[i] is not null).ToList();
            var failed = rows.Where((_, i) => i >= ex.Positions.Count || ex.Positions[i] is null).ToList();
            await DeleteAsync(db, sent, cancellationToken).ConfigureAwait(false);
            if (!OutboxSendErrors.IsPermanent(ex))
            {
                await CountFailureAsync(db, failed, ex.Message, cancellationToken).ConfigureAwait(false);
                throw new OutboxSendFailure(failed.Count, rows.Count, ex);
            }

            // Refused for good, but the error names only the first failure: send the failed ones one by one, so only the
            // entries the broker refuses are set aside and the others go on.
            foreach (var row in failed)
            {
                await SendAloneAsync(db, sender, row, sourceHeader, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
    }

    private async Task SendAloneAsync(TDbContext db, IRecordSender sender, LogPipeOutboxEntry row, byte[] sourceHeader, CancellationToken cancellationToken)
    {
        try
        {
            await RenewWhileAsync(sender.SendBatchAsync([ToRecord(row, sourceHeader)], cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
            await DeleteAsync(db, [row], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OutboxSendErrors.IsPermanent(ex))
        {
            await SetAsideAsync(db, row, ex, cancellationToken).ConfigureAwait(false);
        }
        catch (RecordSendException ex)
        {
            await CountFailureAsync(db, [row], ex.Message, cancellationToken).ConfigureAwait(false);
            throw new OutboxSendFailure(1, 1, ex);
        }
    }

    /// <summary>Keeps the lease while a send is in flight, however long the transport takes to settle it.</summary>
    private async Task RenewWhileAsync(Task send, CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromMilliseconds(Math.Max(1, (long)_options.LeaseDuration.TotalMilliseconds / 3));
        while (await Task.WhenAny(send, Task.Delay(every, _time, cancellationToken)).ConfigureAwait(false) != send)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await TakeLeaseAsync(scope.ServiceProvider.GetRequiredService<TDbContext>(), cancellationToken).ConfigureAwait(false);
            }
        }

        await send.ConfigureAwait(false);
    }

    private async Task DeleteAsync(TDbContext db, List<LogPipeOutboxEntry> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        var ids = rows.Select(r => r.Id).ToList();
        await db.Set<LogPipeOutboxEntry>().Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (!_metrics.Enabled) return;
        var now = _time.GetUtcNow();
        foreach (var row in rows)
        {
            var topic = new KeyValuePair<string, object?>("messaging.destination.name", row.Topic);
            _metrics.Latency!.Record(Math.Max(0, (now - row.CreatedAt).TotalSeconds), topic);
            _metrics.Relayed!.Add(1, topic);
        }
    }

    private static async Task CountFailureAsync(TDbContext db, IReadOnlyList<LogPipeOutboxEntry> rows, string error, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.Id).ToList();
        error = Truncate(error);
        await db.Set<LogPipeOutboxEntry>().Where(e => ids.Contains(e.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Attempts, e => e.Attempts + 1).SetProperty(e => e.LastError, error), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task SetAsideAsync(TDbContext db, LogPipeOutboxEntry row, Exception reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var error = Truncate(reason is RecordSendException send ? $"{send.ErrorCode}: {send.Message}" : $"{reason.GetType().Name}: {reason.Message}");
        await db.Set<LogPipeOutboxEntry>().Where(e => e.Id == row.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.SetAsideAt, now).SetProperty(e => e.LastError, error).SetProperty(e => e.Attempts, e => e.Attempts + 1), cancellationToken)
            .ConfigureAwait(false);
        OutboxLog.SetAside(_logger, row.Id, row.Topic, row.Key, row.MessageType, row.Version, error);
    }

    private async Task ObserveBacklogAsync(TDbContext db, CancellationToken cancellationToken)
    {
        if (!_metrics.Enabled) return;
        var stats = await OutboxQueries.StatsAsync(db, cancellationToken).ConfigureAwait(false);
        _metrics.Observe(stats.Backlog, stats.OldestCreatedAt is { } at ? _time.GetUtcNow() - at : TimeSpan.Zero, stats.SetAside);
    }

    private async Task ReleaseAsync()
    {
        if (!HoldsLease) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await OutboxLease.ReleaseAsync(scope.ServiceProvider.GetRequiredService<TDbContext>(), _owner, timeout.Token).ConfigureAwait(false);
            }

            _lease.Released();
            OutboxLog.Stopped(_logger, _owner);
        }
#pragma warning disable CA1031 // A lease not released expires on its own; stopping must not fail for it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OutboxLog.RelayFailed(_logger, ex, 0);
        }
    }

    /// <summary>Fits an error into the <c>LastError</c> column (2,000 characters).</summary>
    private static string Truncate(string error) => error.Length <= 2000 ? error : error[..1997] + "...";

    private static OutgoingRecord ToRecord(LogPipeOutboxEntry row, byte[] sourceHeader)
    {
        var headers = OutboxInserter.ParseHeaders(row.Headers);
        headers.Add(new(SourceHeader, sourceHeader));
        headers.Add(new(SequenceHeader, Encoding.UTF8.GetBytes(row.Id.ToString(CultureInfo.InvariantCulture))));
        return new OutgoingRecord(row.Topic, row.Key, row.Value, headers);
    }
}
