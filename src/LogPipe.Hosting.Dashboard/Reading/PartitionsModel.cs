namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>What the partitions page shows.</summary>
/// <param name="Transport">The transport in use.</param>
/// <param name="Rows">The partitions and shards this instance reads, by stream.</param>
/// <param name="Idle">Consumed streams of which this instance took no record yet.</param>
/// <param name="LeasesKept">Whether the checkpoint store keeps leases of the streams shown.</param>
/// <param name="LeaseOwner">This instance's name in the leases, when they are kept.</param>
internal sealed record PartitionsModel(string Transport, IReadOnlyList<PartitionRow> Rows, IReadOnlyList<string> Idle, bool LeasesKept, string? LeaseOwner)
{
    /// <summary>Whether the stored checkpoint rows (version, last update) were read: the operator library is registered.</summary>
    public bool StoredShown { get; init; }
}
