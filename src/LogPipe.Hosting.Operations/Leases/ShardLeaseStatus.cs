namespace LogPipe.Hosting.Operations;

/// <summary>
/// A stored Kinesis shard lease. The table keeps no expiry time: the holder moves
/// <see cref="Counter"/> on with every renewal and the other instances judge expiry by watching it on their own clocks;
/// <see cref="LastRenewed"/> is the holder's clock at its last change, for operators.
/// </summary>
/// <param name="ConsumerGroup">The consumer group.</param>
/// <param name="Transport">The transport (<c>kinesis:&lt;region&gt;</c>).</param>
/// <param name="Stream">The stream.</param>
/// <param name="Shard">The shard id.</param>
/// <param name="Owner">The instance holding the lease, or <see langword="null"/> when it is free.</param>
/// <param name="Counter">The lease counter, moved on by every renewal.</param>
/// <param name="Epoch">The fencing epoch, moved on whenever the lease changes hands.</param>
/// <param name="Finished">Whether the shard is closed and applied to its end.</param>
/// <param name="LastRenewed">When the lease last changed, on the clock of the instance that changed it.</param>
public sealed record ShardLeaseStatus(
    string ConsumerGroup,
    string Transport,
    string Stream,
    string Shard,
    string? Owner,
    long Counter,
    long Epoch,
    bool Finished,
    DateTimeOffset LastRenewed)
{
    /// <summary>
    /// The instance that asked the holder to hand the lease over (it stops reading, commits and releases at its next
    /// renewal), or <see langword="null"/> when no one asked.
    /// </summary>
    public string? WantedBy { get; init; }

    /// <summary>What the holder column shows: the owner, or <c>free</c>.</summary>
    public string Holder => Owner ?? "free";
}
