namespace LogPipe.Hosting.Kafka;

/// <summary>Kafka settings, bound from <c>LogPipe:Kafka</c>.</summary>
public sealed class KafkaOptions
{
    /// <summary>The value of <see cref="BootstrapServers"/> that starts the embedded development broker.</summary>
    public const string Embedded = "embedded";

    /// <summary>
    /// The cluster to connect to (<c>bootstrap.servers</c>), or <c>embedded</c> for an in-process development broker
    /// (in memory, limited retention, never for production). Default <c>localhost:9092</c>.
    /// </summary>
    public string BootstrapServers { get; set; } = "localhost:9092";

    /// <summary>The consumer group id; defaults to <c>LogPipe:ConsumerGroup</c>.</summary>
    public string? GroupId { get; set; }

    /// <summary>
    /// Where a partition without a stored checkpoint starts: <c>earliest</c> (default: replicate everything) or <c>latest</c>.
    /// </summary>
    public string AutoOffsetReset { get; set; } = "earliest";

    /// <summary>librdkafka properties for producer and consumer alike (security settings belong here).</summary>
    public Dictionary<string, string> Common { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka producer properties; they override <see cref="Common"/> and LogPipe's producer defaults.</summary>
    public Dictionary<string, string> Producer { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka consumer properties; they override <see cref="Common"/> and LogPipe's consumer defaults.</summary>
    public Dictionary<string, string> Consumer { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Settings of the embedded development broker, used when <see cref="BootstrapServers"/> is <c>embedded</c>.</summary>
    public EmbeddedBrokerOptions EmbeddedBroker { get; set; } = new();
}
