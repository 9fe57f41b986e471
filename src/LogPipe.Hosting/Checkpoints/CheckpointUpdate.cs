namespace LogPipe.Hosting.Checkpoints;

/// <summary>A checkpoint to write when a unit of work commits.</summary>
/// <param name="Partition">The partition or shard.</param>
/// <param name="Checkpoint">The new position: after the last record of the unit handled for that partition.</param>
/// <remarks>Extension point for transport authors: what an <see cref="LogPipe.Hosting.Checkpoints.IUnitOfWork"/> writes
/// at commit. See docs/extending.md.</remarks>
public readonly record struct CheckpointUpdate(PartitionKey Partition, Checkpoint Checkpoint);
