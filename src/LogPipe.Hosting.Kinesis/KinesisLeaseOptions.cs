namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// How the instances of one consumer group split a stream's shards (<c>LogPipe:Kinesis:Leases</c>). Each shard has a
/// lease in the application's database; an instance reads only the shards whose lease it holds, renews them every
/// <see cref="RenewInterval"/>, and takes free leases, expired ones, and a few from instances holding more than their
/// share, so that the instances converge to an even split.
/// </summary>
public sealed class KinesisLeaseOptions
{
    /// <summary>
    /// How long a lease whose holder stopped renewing it stays with that holder before another instance takes it (after a
    /// crash). Measured by each instance on its own clock, from the moment it last saw the lease's counter move, so the
    /// instances' clocks need not agree. Default 10 seconds.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often an instance renews its leases and looks for leases to take; a lease released by an instance that stopped
    /// is taken within about this long. At most half of <see cref="Duration"/>. Default 3 seconds.
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most leases one instance holds at a time, or <see langword="null"/> (the default) for no limit.</summary>
    public int? MaxLeasesPerInstance { get; set; }

    /// <summary>
    /// How many leases an instance takes from busier instances per <see cref="RenewInterval"/>, so that a new instance
    /// does not pull a whole stream's shards around at once. 0 never takes a held lease. Default 1.
    /// </summary>
    public int MaxStealsPerInterval { get; set; } = 1;
}
