using LogPipe.Hosting.Kinesis.Client.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// When a stream's shards are listed and the waiting ones started, in the background: the shards are listed every
/// <see cref="KinesisOptions.ShardDiscoveryInterval"/>, and at once when woken for it (a shard ended, so its children
/// exist); waiting shards are started after each listing and whenever woken (a shard finished, so its children may
/// start). Starting failures (most likely the checkpoint store is unreachable) are logged and retried with backoff; it
/// ends only when stopped. Listing and starting are the source's; this decides when, on the given clock.
/// </summary>
internal sealed class ShardCoordinator : IAsyncDisposable
{
    private readonly string _stream;
    private readonly TimeSpan _interval;
    private readonly RetryBackoff _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task<bool>> _list;
    private readonly Func<CancellationToken, Task> _startShards;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _listingWanted;
    private Task _run = Task.CompletedTask;

    /// <param name="stream">The stream, for the log.</param>
    /// <param name="interval">How often the shards are listed.</param>
    /// <param name="retry">The backoff after a failed start.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where failed starts are logged (event 3111).</param>
    /// <param name="list">Lists the shards; <see langword="false"/> when the listing failed (logged by it; tried again after the interval).</param>
    /// <param name="startShards">Starts the waiting shards whose parents are finished; throws when it cannot.</param>
    public ShardCoordinator(
        string stream,
        TimeSpan interval,
        RetryBackoff retry,
        TimeProvider time,
        ILogger logger,
        Func<CancellationToken, Task<bool>> list,
        Func<CancellationToken, Task> startShards)
    {
        _stream = stream;
        _interval = interval;
        _retry = retry;
        _time = time;
        _logger = logger;
        _list = list;
        _startShards = startShards;
    }

    /// <summary>Starts coordinating; <paramref name="listed"/> says whether the shards were listed already (else that comes first when woken).</summary>
    public void Start(bool listed)
    {
        var stopping = _stopping.Token;
        // The interval counts from now: the source listed the shards just before.
        var started = _time.GetTimestamp();
        _run = Task.Run(() => RunAsync(listed, started, stopping), CancellationToken.None);
    }

    /// <summary>Has waiting shards started now, and the shards listed first when <paramref name="list"/>.</summary>
    public void Wake(bool list)
    {
        if (list) _listingWanted = true;
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Stopped while a reader was ending: nothing left to start.
        }
    }

    /// <summary>Stops and waits until the loop has ended. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(bool listed, long lastListing, CancellationToken cancellationToken)
    {
        var failures = 0;
        var failedAt = 0L;
        var retryAfter = TimeSpan.MaxValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Both deadlines count from when they were set, so the clock moving meanwhile shortens the wait.
                var untilListing = _interval - _time.GetElapsedTime(lastListing);
                var untilRetry = retryAfter == TimeSpan.MaxValue ? TimeSpan.MaxValue : retryAfter - _time.GetElapsedTime(failedAt);
                var wait = untilListing < untilRetry ? untilListing : untilRetry;
                if (wait > TimeSpan.Zero && !_listingWanted) await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                retryAfter = TimeSpan.MaxValue;
                if (_listingWanted || !listed || _time.GetElapsedTime(lastListing) >= _interval)
                {
                    _listingWanted = false;
                    lastListing = _time.GetTimestamp();
                    if (!await _list(cancellationToken).ConfigureAwait(false)) continue;
                    listed = true;
                }

                await _startShards(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                retryAfter = _retry.Before(++failures);
                failedAt = _time.GetTimestamp();
                KinesisLog.StartShardsFailed(_logger, ex, _stream, ex.Message, (long)retryAfter.TotalMilliseconds);
            }
        }
    }

    /// <summary>Waits until woken or <paramref name="wait"/> has passed on the clock.</summary>
    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _wake.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time is up.
        }
    }
}
