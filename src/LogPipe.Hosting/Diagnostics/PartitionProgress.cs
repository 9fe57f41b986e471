namespace LogPipe.Hosting.Diagnostics;

/// <summary>One partition or shard this instance reads, as its consumer loop sees it.</summary>
/// <param name="Partition">The partition or shard.</param>
/// <param name="NextOffset">The next record to apply: after the last commit, or the first record taken before any commit.</param>
/// <param name="LogEnd">The offset after the partition's last record, when the transport knows it.</param>
/// <param name="LastCommitAt">When a unit of work last committed records of it, if one did since it was assigned.</param>
/// <param name="WaitingSince">Since when taken records wait for a commit, if any do.</param>
internal sealed record PartitionProgress(PartitionKey Partition, long NextOffset, long? LogEnd, DateTimeOffset? LastCommitAt, DateTimeOffset? WaitingSince)
{
    /// <summary>Records in the log after <see cref="NextOffset"/>, when the log end is known.</summary>
    public long? Lag => LogEnd is { } end ? Math.Max(0, end - NextOffset) : null;
}
