namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Bounds one record's apply by <c>LogPipe:Failures:SaveTimeout</c>: its token is cancelled at the bound, and a save
/// that ignores the token is waited for only a short grace longer, then left behind, so a hung serializer cannot hold the
/// consumer loop for ever. Used by the consumer loop only, one apply at a time. The timer is armed only for an apply that
/// did not complete at once, for what is left of its bound, and re-armed rather than created: in a batched unit most
/// applies complete at once, and a timer and two token sources per record, or even two timer operations, cost more than
/// the apply.
/// </summary>
internal sealed class SaveDeadline
{
    private static readonly TimeSpan MaxGrace = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time;
    private CancellationTokenSource? _deadline;
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedTo;

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
    public ValueTask<T> RunAsync<TState, T>(TState state, Func<TState, CancellationToken, Task<T>> apply, CancellationToken cancellationToken)
    {
        var token = TokenFor(cancellationToken);
        var started = _time.GetTimestamp();
        Task<T> task;
        try
        {
            task = apply(state, token);
        }
        catch (Exception ex)
        {
            task = Task.FromException<T>(ex);
        }

        if (task.IsCompletedSuccessfully)
        {
            // Done at once, as most applies of a batched unit are: the timer was never armed, so a record costs no timer
            // operations (arming and disarming it per record cost more than such an apply).
            if (_linked!.IsCancellationRequested) Disarm(abandoned: false);
            return new ValueTask<T>(task.Result);
        }

        // Still running: the bound counts from the apply's start.
        var left = Timeout - _time.GetElapsedTime(started);
        _deadline!.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        return WaitAsync(task, cancellationToken);
    }

    private async ValueTask<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        var deadline = _deadline!;
        var abandoned = false;
        try
        {
            // Not ended by the loop's token: on shutdown the save is cancelled through its own token and waited for, because
            // a save left running after its unit was rolled back would flush into no transaction at all (autocommit), and
            // its effects would then be applied again after a restart.
            return await task.WaitAsync(Timeout + Grace, _time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && task.IsCompleted)
        {
            // Whatever a save throws once its bound cancelled it (the cancellation itself, or a provider's error about a
            // cancelled command) is the timeout: it counts as an attempt, never as a transient failure.
            throw new SaveTimeoutException(Timeout, abandoned: false, ex);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            abandoned = true;

            // Whatever it throws when (if ever) it returns is observed here, not left to the finalizer.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new SaveTimeoutException(Timeout, abandoned: true) { StillRunning = task };
        }
        finally
        {
            // An abandoned save may still hold its tokens: they are left to it.
            Disarm(abandoned || !task.IsCompleted);
        }
    }

    /// <summary>The token of the next apply, linked to <paramref name="cancellationToken"/>; the bound is armed only for an apply that does not complete at once.</summary>
    private CancellationToken TokenFor(CancellationToken cancellationToken)
    {
        if (_linked is null || _linkedTo != cancellationToken)
        {
            _linked?.Dispose();
            _deadline ??= new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, _time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
            _linkedTo = cancellationToken;
        }

        return _linked.Token;
    }

    private void Disarm(bool abandoned)
    {
        var deadline = _deadline!;
        if (!deadline.IsCancellationRequested && !_linked!.IsCancellationRequested)
        {
            deadline.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
            return;
        }

        // A cancelled source cannot be re-armed: the next apply gets new ones. An abandoned save may still hold the old
        // token, so those are left to the collector rather than disposed under it.
        if (!abandoned)
        {
            _linked!.Dispose();
            deadline.Dispose();
        }

        _deadline = null;
        _linked = null;
    }
}
