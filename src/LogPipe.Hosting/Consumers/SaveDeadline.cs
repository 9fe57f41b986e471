namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Bounds one record's apply by <c>LogPipe:Failures:SaveTimeoutMs</c>: its token is cancelled at the bound, and a save
/// that ignores the token is waited for only a short grace longer, then left behind, so a hung serializer cannot hold the
/// consumer loop for ever.
/// </summary>
internal sealed class SaveDeadline
{
    private static readonly TimeSpan MaxGrace = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time;

    public SaveDeadline(TimeSpan timeout, TimeProvider time)
    {
        Timeout = timeout;
        Grace = TimeSpan.FromTicks(Math.Min(MaxGrace.Ticks, Math.Max(TimeSpan.TicksPerMillisecond, timeout.Ticks / 4)));
        _time = time;
    }

    public TimeSpan Timeout { get; }

    /// <summary>How long a save is still waited for after its token was cancelled at the bound.</summary>
    public TimeSpan Grace { get; }

    /// <summary>
    /// Runs <paramref name="apply"/> with a token cancelled at the bound (or with <paramref name="cancellationToken"/>).
    /// Throws <see cref="SaveTimeoutException"/> when the bound ran out: with <see cref="SaveTimeoutException.Abandoned"/>
    /// set when the apply did not return within the grace and is still running.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> apply, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var task = Start(apply, linked.Token);
        try
        {
            return await task.WaitAsync(Timeout + Grace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && task.IsCompleted)
        {
            // Whatever a save throws once its bound cancelled it (the cancellation itself, or a provider's error about a
            // cancelled command) is the timeout: it counts as an attempt, never as a transient failure.
            throw new SaveTimeoutException(Timeout, abandoned: false, ex);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            // Whatever it throws when (if ever) it returns is observed here, not left to the finalizer.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new SaveTimeoutException(Timeout, abandoned: true);
        }
    }

    private static async Task<T> Start<T>(Func<CancellationToken, Task<T>> apply, CancellationToken cancellationToken) =>
        await apply(cancellationToken).ConfigureAwait(false);
}
