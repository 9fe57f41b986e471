namespace LogPipe.Hosting;

/// <summary>Thresholds of LogPipe's health check (<c>LogPipe:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>Lag, in records after the committed checkpoint on any partition, above which the check reports Degraded. Unset: lag is not checked.</summary>
    public long? MaxLag { get; set; }

    /// <summary>
    /// How far behind the newest record of any shard being read the consumer may be before the check reports Degraded:
    /// for transports that report lag in time rather than offsets (Kinesis: <c>MillisBehindLatest</c>;
    /// <c>LogPipe:Health:MaxTimeBehindLatest</c>, or <c>MaxTimeBehindLatestMs</c> in milliseconds). Unset: not checked.
    /// </summary>
    public TimeSpan? MaxTimeBehindLatest { get; set; }

    /// <summary>
    /// Time without any progress of the consumer loop (no record handled, no idle poll completed) after which the check
    /// reports Unhealthy: the loop is stuck, for example inside a save that never returns (<c>StallTimeout</c>; the former
    /// <c>StallTimeoutSeconds</c> is still read). Default two minutes.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Time a partition may hold records the loop has taken but not committed (a record retried again and again, units
    /// abandoned while the database is down) before the check reports Degraded (<c>PartitionStallTimeout</c>; the former
    /// <c>PartitionStallTimeoutSeconds</c> is still read). Default five minutes.
    /// </summary>
    public TimeSpan PartitionStallTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
