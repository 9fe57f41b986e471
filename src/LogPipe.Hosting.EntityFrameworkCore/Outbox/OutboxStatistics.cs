namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>The state of a database's outbox, for operators (<c>logpipe outbox stats</c>) and the health check.</summary>
/// <param name="Backlog">Entries committed and not yet sent (set-aside ones not counted).</param>
/// <param name="SetAside">Entries the broker refused for good, set aside.</param>
/// <param name="OldestCreatedAt">When the oldest unsent entry was committed, or <see langword="null"/> when none waits.</param>
/// <param name="SourceId">The database's outbox source id, or <see langword="null"/> while no relay ever ran.</param>
/// <param name="LeaseOwner">The relay instance that holds or last held the lease.</param>
/// <param name="LeaseExpiresAt">When that lease expires.</param>
public sealed record OutboxStatistics(long Backlog, long SetAside, DateTimeOffset? OldestCreatedAt, string? SourceId, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt);
