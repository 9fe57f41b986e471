namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Wakes the relay when this process committed outbox entries, so the common case waits for no poll.</summary>
internal sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

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

    public void Dispose() => _signal.Dispose();

    /// <summary>Waits until <see cref="Set"/> or <paramref name="timeout"/>.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
