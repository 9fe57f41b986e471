namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// A stored shard lease (table <c>LogPipeShardLeases</c>): which instance of a consumer group reads one shard. One row per
/// (consumer group, transport, stream, shard).
/// </summary>
public sealed class LogPipeShardLease
{
    /// <summary>The consumer group.</summary>
    public required string ConsumerGroup { get; set; }

    /// <summary>The transport and region, for example <c>kinesis:us-east-1</c>.</summary>
    public required string Transport { get; set; }

    /// <summary>The stream.</summary>
    public required string Stream { get; set; }

    /// <summary>The shard id.</summary>
    public required string Shard { get; set; }

    /// <summary>The instance holding the lease (machine, process and a random part), or <see langword="null"/> when free.</summary>
    public string? Owner { get; set; }

    /// <summary>
    /// Moves on with every take, renewal and release. Other instances judge a lease expired when this has not moved for
    /// the lease duration on their own clock, so expiry does not depend on the instances' clocks agreeing.
    /// </summary>
    public long LeaseCounter { get; set; }

    /// <summary>Moves on whenever the lease is taken; a checkpoint write is fenced by the holder's epoch.</summary>
    public long Epoch { get; set; }

    /// <summary>The shard is closed and every record of it applied: nobody takes it again, and its children may start.</summary>
    public bool Finished { get; set; }

    /// <summary>
    /// The instance that asked for this lease to balance the shards, or <see langword="null"/>: the holder hands it over at
    /// its next renewal (stops reading, commits, releases), so nothing is read twice.
    /// </summary>
    public string? WantedBy { get; set; }

    /// <summary>When the lease last changed, on the clock of the instance that changed it (for operators only).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
