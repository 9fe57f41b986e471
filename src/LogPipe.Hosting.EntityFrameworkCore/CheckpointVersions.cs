using System.Collections.Concurrent;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>The checkpoint version this process last read or wrote per partition: what the next write is conditional on.</summary>
internal sealed class CheckpointVersions
{
    private readonly ConcurrentDictionary<PartitionKey, long> _versions = new();

    public long Of(PartitionKey partition) => _versions.GetValueOrDefault(partition);

    public void Set(PartitionKey partition, long version) => _versions[partition] = version;
}
