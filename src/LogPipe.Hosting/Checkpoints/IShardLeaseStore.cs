namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// The leases of shards for one consumer group, kept beside the checkpoints so that several instances split a stream's
/// shards between them. Every change is conditional (on the counter observed, or on holding the lease), and the store
/// remembers which leases this instance holds so that its units of work can fence their checkpoint writes with them.
/// </summary>
/// <remarks>Extension point for store authors: offered by <see cref="ICheckpointStore.ShardLeases"/>. See docs/extending.md.</remarks>
public interface IShardLeaseStore
{
    /// <summary>This instance's name in the leases' <see cref="ShardLease.Owner"/>; unique per process and start.</summary>
    string Owner { get; }

    /// <summary>Every lease of a stream for this consumer group.</summary>
    /// <param name="transport">The checkpoint scope, for example <c>kinesis:us-east-1</c>.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The leases, in no particular order.</returns>
    Task<IReadOnlyList<ShardLease>> ListAsync(string transport, string stream, CancellationToken cancellationToken);

    /// <summary>Adds a free lease for each shard that has none yet (another instance adding the same at once is no error).</summary>
    /// <param name="shards">The shards.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    Task AddAsync(IReadOnlyCollection<PartitionKey> shards, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a lease if it is still as observed (same owner and counter): this instance becomes its owner, and its counter
    /// and epoch move on.
    /// </summary>
    /// <param name="observed">The lease as last read.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether this instance holds the lease now.</returns>
    Task<bool> TryTakeAsync(ShardLease observed, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the holder of a lease to hand it over (<see cref="ShardLease.WantedBy"/>), if it is still as observed: the
    /// holder stops reading the shard, commits what it read and releases the lease at its next renewal, so the asking
    /// instance starts from that checkpoint and nothing is read twice. The default records nothing and returns
    /// <see langword="false"/>: the asking instance then takes the lease at once, and the holder's unit in flight is fenced.
    /// </summary>
    /// <param name="observed">The lease as last read.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether the request was recorded.</returns>
    Task<bool> RequestAsync(ShardLease observed, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>Renews a lease this instance holds (moves its counter on); fails once another instance took it.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether this instance still holds the lease.</returns>
    Task<bool> RenewAsync(PartitionKey shard, CancellationToken cancellationToken);

    /// <summary>Gives a lease up, so another instance may take it at once; a lease held by another instance is left alone.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task ReleaseAsync(PartitionKey shard, CancellationToken cancellationToken);

    /// <summary>Marks a held lease finished (the shard is closed and applied to its end) and gives it up.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether it was marked (<see langword="false"/>: this instance no longer held it).</returns>
    Task<bool> FinishAsync(PartitionKey shard, CancellationToken cancellationToken);

    /// <summary>Whether this instance holds the lease of <paramref name="shard"/>, as of its last take or renewal.</summary>
    /// <param name="shard">The shard.</param>
    bool Holds(PartitionKey shard);

    /// <summary>Whether shards of this stream are leased (some instance added leases for it), so their checkpoint writes need the lease.</summary>
    /// <param name="transport">The checkpoint scope.</param>
    /// <param name="stream">The stream.</param>
    bool IsLeased(string transport, string stream);
}
