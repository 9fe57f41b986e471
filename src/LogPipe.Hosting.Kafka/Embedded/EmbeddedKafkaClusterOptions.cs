namespace LogPipe.Hosting.Kafka.Embedded;

/// <summary>Settings for <see cref="EmbeddedKafkaCluster.Start(EmbeddedKafkaClusterOptions)"/>.</summary>
/// <remarks>
/// The defaults suit tests and local development: three brokers, and consumer-group rebalances that start
/// at once. Pair them with a consumer <c>session.timeout.ms</c> of about 2000: the development broker holds
/// every rebalance for <c>session.timeout.ms − 1000</c> ms. And with a <c>fetch.wait.max.ms</c> of about 10: it
/// answers a fetch that finds no record only when that wait runs out, even if a record arrives meanwhile.
/// </remarks>
public sealed class EmbeddedKafkaClusterOptions
{
    /// <summary>Number of brokers, with ids 1 to <see cref="BrokerCount"/>. Default 3.</summary>
    public int BrokerCount { get; set; } = 3;

    /// <summary>
    /// Partitions of the topics in <see cref="Topics"/> that give none (0), and of
    /// <see cref="EmbeddedKafkaCluster.CreateTopic(string)"/>. Default 4.
    /// </summary>
    /// <remarks>
    /// A topic that a client creates implicitly (its first metadata request or produce) always gets
    /// librdkafka's built-in 4 partitions: the mock cluster has no setting for that. Create topics up front,
    /// through <see cref="Topics"/> or <see cref="EmbeddedKafkaCluster.CreateTopic(string, int)"/>, to choose.
    /// </remarks>
    public int DefaultPartitionCount { get; set; } = 4;

    /// <summary>
    /// Topics created at start: name → partition count (0 means <see cref="DefaultPartitionCount"/>).
    /// Replication factor is the smaller of 3 and <see cref="BrokerCount"/>.
    /// </summary>
    public IDictionary<string, int> Topics { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// How long a new consumer group waits for more members before its first rebalance. Default zero;
    /// librdkafka's mock (like Kafka's <c>group.initial.rebalance.delay.ms</c>) uses 3 seconds otherwise.
    /// </summary>
    public TimeSpan GroupInitialRebalanceDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Session timeout the broker imposes on groups that use the KIP-848 protocol
    /// (<c>group.protocol=consumer</c>); <see langword="null"/> keeps librdkafka's default. Classic groups
    /// take their session timeout from the consumer's <c>session.timeout.ms</c>.
    /// </summary>
    public TimeSpan? ConsumerGroupSessionTimeout { get; set; }

    /// <summary>
    /// Heartbeat interval the broker imposes on KIP-848 groups (<c>group.protocol=consumer</c>);
    /// <see langword="null"/> keeps librdkafka's default.
    /// </summary>
    public TimeSpan? ConsumerGroupHeartbeatInterval { get; set; }
}
