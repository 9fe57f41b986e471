using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Checks, in a unit of work's transaction, that this instance still holds the leases of the shards it writes checkpoints of.</summary>
internal interface IShardLeaseFence
{
    /// <summary>Checks the leases of <paramref name="partitions"/> inside the transaction of <paramref name="db"/>.</summary>
    /// <returns>The partitions whose lease this instance does not hold.</returns>
    Task<List<PartitionKey>> FenceAsync(DbContext db, IEnumerable<PartitionKey> partitions, CancellationToken cancellationToken);
}
