namespace LogPipe.Hosting.Transport;

/// <summary>A checkpoint to write when a unit of work commits.</summary>
/// <param name="Partition">The partition or shard.</param>
/// <param name="Checkpoint">The new position: after the last record of the unit handled for that partition.</param>
public readonly record struct CheckpointUpdate(PartitionKey Partition, Checkpoint Checkpoint);
