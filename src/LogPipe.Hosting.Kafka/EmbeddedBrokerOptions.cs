namespace LogPipe.Hosting.Kafka;

/// <summary>Settings of the embedded development broker (<c>LogPipe:Kafka:EmbeddedBroker</c>).</summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>Number of brokers. Default 3.</summary>
    public int Brokers { get; set; } = 3;

    /// <summary>Partitions of each topic LogPipe produces to or consumes, created at start. Default 6.</summary>
    public int Partitions { get; set; } = 6;
}
