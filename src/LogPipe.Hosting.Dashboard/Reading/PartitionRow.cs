using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Diagnostics;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>One partition or shard on the partitions page.</summary>
/// <param name="Progress">What the consumer loop knows of it.</param>
/// <param name="Lease">Its shard lease, where the store keeps leases (Kinesis with several instances).</param>
/// <param name="Stored">Its stored checkpoint row (version, last update), where the operator library is registered.</param>
internal sealed record PartitionRow(PartitionProgress Progress, ShardLease? Lease, LogPipe.Hosting.Operations.CheckpointStatus? Stored = null);
