namespace LogPipe.Hosting.Consumers;

/// <summary>One unit of work between the start of its apply and the settling of its commit; released once.</summary>
/// <param name="gatheredInEpoch">The revocation epoch (<see cref="CommitOrderedCheckpoints.RevocationEpoch"/>) when the unit began to be gathered.</param>
internal sealed class UnitInFlight(long gatheredInEpoch)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The revocation epoch when the unit began to be gathered: it holds no record of a revocation begun earlier.</summary>
    public long GatheredInEpoch { get; } = gatheredInEpoch;

    /// <summary>When the unit began to apply (<see cref="Environment.TickCount64"/>).</summary>
    public long StartedAt { get; } = Environment.TickCount64;

    /// <summary>Completes when the unit is released.</summary>
    public Task Released => _released.Task;

    /// <summary>The unit committed and was settled, or failed, or had nothing to commit: reads may go on. Idempotent.</summary>
    public void Release() => _released.TrySetResult();
}
