namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// One shard's lease as stored: who may read the shard for a consumer group, a counter its holder moves on with every
/// renewal (others judge expiry by watching it on their own clock, so clocks need not agree), and a fencing epoch that
/// moves on whenever the lease changes hands.
/// </summary>
/// <param name="Shard">The shard (transport scope, stream, shard id).</param>
/// <param name="Owner">The instance holding it, or <see langword="null"/> when free.</param>
/// <param name="Counter">Moves on with every take, renewal and release.</param>
/// <param name="Epoch">Moves on whenever the lease is taken; a checkpoint write is fenced by it.</param>
/// <param name="Finished">The shard is closed and every record of it applied: nobody takes it again, and its children may start.</param>
public sealed record ShardLease(PartitionKey Shard, string? Owner, long Counter, long Epoch, bool Finished)
{
    /// <summary>
    /// The instance that asked for this lease to balance the shards (<see cref="IShardLeaseStore.RequestAsync"/>), or
    /// <see langword="null"/>: its holder hands it over — stops reading, commits what it read, releases — at its next renewal.
    /// </summary>
    public string? WantedBy { get; init; }
}
