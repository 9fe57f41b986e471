namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Wakes the relay when this process committed outbox entries, so the common case waits for no poll.</summary>
/// <remarks>
/// The semaphore is never disposed: a host disposed without being stopped disposes this singleton while the relay may
/// be waiting on it, and a <see cref="SemaphoreSlim"/> disposed under a timed wait drops the waiter from its list without
/// completing it, so that wait never ended (and the relay with it). Disposing wakes the waiter instead, and later waits
/// return at once; without its wait handle (never asked for) the semaphore holds nothing to release.
/// </remarks>
internal sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private volatile bool _disposed;

    public void Set()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the relay will look once for all of them.
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Set();
    }

    /// <summary>Waits until <see cref="Set"/> or <paramref name="timeout"/>; at once after <see cref="Dispose"/>.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _disposed ? Task.CompletedTask : _signal.WaitAsync(timeout, cancellationToken);
}
