namespace LogPipe.Hosting.Operations;

/// <summary>What <see cref="LogPipeOperations.ReleaseLeasesAsync"/> did with each lease it looked at.</summary>
/// <param name="AlreadyFree">Leases no instance held.</param>
/// <param name="HeldByOthers">Leases held by another instance than the one asked for: left as they are.</param>
/// <param name="Freed">Leases freed (as they were before: the epoch has since moved on by one).</param>
/// <param name="Changed">Leases that changed after they were read (renewed, taken or released by an instance): left as they are.</param>
public sealed record LeaseRelease(
    IReadOnlyList<ShardLeaseStatus> AlreadyFree,
    IReadOnlyList<ShardLeaseStatus> HeldByOthers,
    IReadOnlyList<ShardLeaseStatus> Freed,
    IReadOnlyList<ShardLeaseStatus> Changed);
