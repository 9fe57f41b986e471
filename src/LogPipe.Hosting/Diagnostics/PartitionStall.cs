namespace LogPipe.Hosting.Diagnostics;

/// <summary>A partition holding records the consumer took but has not committed for a while.</summary>
/// <param name="Partition">The partition or shard.</param>
/// <param name="Since">Since when it has made no progress.</param>
/// <param name="Lag">Records after its position, when the transport knows its log end.</param>
internal readonly record struct PartitionStall(PartitionKey Partition, DateTimeOffset Since, long? Lag);
