namespace LogPipe.Hosting.Kinesis.Leases;

/// <summary>What the record source does for a lease being handed over (<see cref="LeaseHandOvers"/>).</summary>
/// <param name="StopReadingAsync">Stops reading the shard and drops its queued records; records already taken to units stay current.</param>
/// <param name="IsCommitted">Whether every record taken from the shard to a unit is committed.</param>
/// <param name="Released">The lease was released: what is left of the shard's reader is retired.</param>
internal sealed record LeaseHandOverHooks(Func<string, Task> StopReadingAsync, Func<string, bool> IsCommitted, Action<string> Released);
