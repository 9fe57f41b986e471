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
    /// Where a partition without a stored checkpoint starts: <see cref="KafkaAutoOffsetReset.Earliest"/> (default:
    /// replicate everything) or <see cref="KafkaAutoOffsetReset.Latest"/>; configuration takes <c>earliest</c> or <c>latest</c>.
    /// </summary>
    public KafkaAutoOffsetReset AutoOffsetReset { get; set; } = KafkaAutoOffsetReset.Earliest;

    /// <summary>
    /// <c>security.protocol</c>: <c>plaintext</c>, <c>ssl</c>, <c>sasl_plaintext</c> or <c>sasl_ssl</c>. Unset: librdkafka's
    /// default (<c>plaintext</c>) or what <see cref="Common"/> says.
    /// </summary>
    public string? SecurityProtocol { get; set; }

    /// <summary>SASL authentication: mechanism, user name and password, OAUTHBEARER client (<c>LogPipe:Kafka:Sasl</c>).</summary>
    public KafkaSaslOptions Sasl { get; set; } = new();

    /// <summary>TLS client key and certificates as values, with their passwords (<c>LogPipe:Kafka:Ssl</c>).</summary>
    public KafkaSslOptions Ssl { get; set; } = new();

    /// <summary>
    /// librdkafka properties for producer and consumer alike. Secrets are better set through <see cref="Sasl"/> and
    /// <see cref="Ssl"/>, whose keys have no dots and so can come from environment variables.
    /// </summary>
    public Dictionary<string, string> Common { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka producer properties; they override <see cref="Common"/> and LogPipe's producer defaults.</summary>
    public Dictionary<string, string> Producer { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka consumer properties; they override <see cref="Common"/> and LogPipe's consumer defaults.</summary>
    public Dictionary<string, string> Consumer { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Settings of the embedded development broker, used when <see cref="BootstrapServers"/> is <c>embedded</c>.</summary>
    public EmbeddedBrokerOptions EmbeddedBroker { get; set; } = new();
}
