namespace LogPipe.Hosting.Hosting;

/// <summary>Thresholds of LogPipe's health check (<c>LogPipe:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>Lag, in records after the committed checkpoint on any partition, above which the check reports Degraded. Unset: lag is not checked.</summary>
    public long? MaxLag { get; set; }

    /// <summary>Seconds without the consumer loop going round after which the check reports Unhealthy. Default 120.</summary>
    public int StallTimeoutSeconds { get; set; } = 120;
}
