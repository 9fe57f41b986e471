namespace LogPipe.Hosting.Operations;

/// <summary>Free Kinesis shard leases of one stream, so another instance takes them and the old holder's next checkpoint write is fenced.</summary>
/// <param name="ConsumerGroup">The consumer group.</param>
/// <param name="Stream">The stream.</param>
public sealed record LeaseReleaseRequest(string ConsumerGroup, string Stream)
{
    /// <summary>Only this shard's lease; <see langword="null"/> for every lease of the stream.</summary>
    public string? Shard { get; init; }

    /// <summary>Only leases held by this instance.</summary>
    public string? Owner { get; init; }

    /// <summary>Free leases even though their holder renewed them within the lease duration (and so is probably still reading).</summary>
    public bool Force { get; init; }
}
