namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// Where "how far have I applied" is kept, and the unit of work that applies records and moves checkpoints together.
/// </summary>
/// <remarks>Extension point for transport authors: implement it to keep checkpoints somewhere other than the EF Core
/// store or the in-memory store. See docs/extending.md.</remarks>
public interface ICheckpointStore
{
    /// <summary>
    /// Reads the stored checkpoints of the given partitions for this consumer group and remembers what it read, so that the
    /// next write of each is conditional on it (a fenced-out instance cannot overwrite a newer checkpoint).
    /// </summary>
    /// <param name="partitions">The partitions.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoints that exist; partitions without one are absent.</returns>
    Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken);

    /// <summary>Begins a unit of work in the given DI scope (where serializers and their DbContext live).</summary>
    /// <param name="services">The unit of work's service scope.</param>
    /// <param name="cancellationToken">Cancels beginning.</param>
    /// <returns>The unit of work.</returns>
    Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the consumer service may take and decode the next unit's records while a unit of work of this store
    /// commits (on another thread). That is safe when the checkpoints are written in the unit's own transaction and every
    /// write is conditional on the version last read: a partition that moves meanwhile is fenced, and the service makes
    /// checkpoint reads wait for the commit in flight. A store whose positions are committed elsewhere after the
    /// transaction (Kafka group offsets) keeps this <see langword="false"/>, the default: each unit then commits before
    /// the next is read.
    /// </summary>
    bool SupportsOverlappedCommits => false;

    /// <summary>
    /// Whether the positions are kept by the transport itself rather than by this store (Kafka consumer-group offsets,
    /// <c>UseKafkaOffsets()</c>). A record source then starts each partition where the transport's own committed position
    /// is, instead of asking <see cref="ReadAsync"/>, and after each unit commits writes the positions to the transport
    /// (in <c>IRecordSource.OnCommittedAsync</c>). A source whose transport keeps no positions refuses such a store when it
    /// starts. The default, <see langword="false"/>: the store keeps the positions and the source starts from them.
    /// </summary>
    bool KeepsPositionsInTransport => false;

    /// <summary>
    /// The shard leases kept beside the checkpoints, so that several instances of a service split a stream's shards
    /// between them (Kinesis); a unit of work then writes a leased shard's checkpoint only while this instance holds its
    /// lease. <see langword="null"/>, the default, when the store keeps no leases: every instance reads every shard.
    /// </summary>
    IShardLeaseStore? ShardLeases => null;
}
