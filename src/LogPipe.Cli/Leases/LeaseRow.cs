namespace LogPipe.Cli.Leases;

/// <summary>
/// One line of <c>leases list</c>: a stored shard lease. The table keeps no expiry time: the holder moves
/// <see cref="Counter"/> on with every renewal and the other instances judge expiry by watching it on their own clocks;
/// <see cref="LastRenewed"/> is the holder's clock at its last change, for operators.
/// </summary>
internal sealed record LeaseRow(
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
    /// <summary>What the holder column shows: the owner, or <c>free</c>.</summary>
    public string Holder => Owner ?? "free";
}
