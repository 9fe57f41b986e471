namespace LogPipe.Hosting;

/// <summary>Thresholds of LogPipe's health check (<c>LogPipe:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>Lag, in records after the committed checkpoint on any partition, above which the check reports Degraded. Unset: lag is not checked.</summary>
    public long? MaxLag { get; set; }

    /// <summary>
    /// Lag in time, in milliseconds behind the newest record of any shard being read, above which the check reports Degraded:
    /// for transports that report it rather than offsets (Kinesis: <c>MillisBehindLatest</c>). Unset: not checked.
    /// </summary>
    public long? MaxMillisBehindLatest { get; set; }

    /// <summary>
    /// Seconds without any progress of the consumer loop (no record handled, no idle poll completed) after which the check
    /// reports Unhealthy: the loop is stuck, for example inside a save that never returns. Default 120.
    /// </summary>
    public int StallTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Seconds a partition may hold records the loop has taken but not committed (a record retried again and again, units
    /// abandoned while the database is down) before the check reports Degraded. Default 300.
    /// </summary>
    public int PartitionStallTimeoutSeconds { get; set; } = 300;
}
