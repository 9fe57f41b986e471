namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// Wakes the consumer service when a shard reader queued records. Take <see cref="Next"/> before looking at the queues,
/// so that records queued between the look and the wait still end the wait.
/// </summary>
internal sealed class RecordSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
