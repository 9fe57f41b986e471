using Confluent.Kafka;
using LogPipe.Hosting.Kafka.Embedded;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

/// <summary>
/// An embedded Kafka cluster for one test, plus client settings that make librdkafka's mock cluster quick:
/// rebalances wait <c>session.timeout.ms − 1000</c> (so 2 s sessions and no initial delay), fetches need a
/// short <c>fetch.queue.backoff.ms</c>, and reconnects after a broker outage should not back off for 10 s.
/// Reuse it from any Kafka test: names are random, so tests never see each other's data.
/// </summary>
public sealed class KafkaTestCluster : IDisposable, IAsyncDisposable
{
    private KafkaTestCluster(EmbeddedKafkaCluster cluster) => Cluster = cluster;

    /// <summary>How long a test waits for a condition before failing; generous, since CI machines have 2 cores.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The cluster, for fault injection (brokers down, leaders moved, request errors).</summary>
    public EmbeddedKafkaCluster Cluster { get; }

    /// <summary>Bootstrap servers of <see cref="Cluster"/>.</summary>
    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Starts a cluster with test-friendly group settings.</summary>
    public static KafkaTestCluster Start(int brokers = 3, ILogger? logger = null) =>
        new(EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = brokers }, logger));

    /// <summary>A fresh name (topic, group, transactional id) that no other test uses.</summary>
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Creates a topic with a random name and returns the name.</summary>
    public string CreateTopic(int partitions, string prefix = "topic")
    {
        var topic = NewName(prefix);
        Cluster.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>The producer settings LogPipe uses (acks=all, idempotent, murmur2_random), tuned for the mock.</summary>
    public static ProducerConfig ProducerConfig(string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        Acks = Acks.All,
        EnableIdempotence = true,
        Partitioner = Partitioner.Murmur2Random,
        LingerMs = 5,
        ReconnectBackoffMs = 50,
        ReconnectBackoffMaxMs = 500,
        RetryBackoffMs = 50,
        RetryBackoffMaxMs = 500,
        MessageTimeoutMs = 60_000,
    };

    /// <summary>A producer with <see cref="ProducerConfig(string)"/>.</summary>
    public static IProducer<string, string> NewProducer(string bootstrapServers) =>
        new ProducerBuilder<string, string>(ProducerConfig(bootstrapServers)).Build();

    /// <summary>Consumer-group settings LogPipe uses (cooperative-sticky), tuned for the mock.</summary>
    public static ConsumerConfig ConsumerConfig(string bootstrapServers, string groupId) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        SessionTimeoutMs = 2000,
        HeartbeatIntervalMs = 500,
        FetchQueueBackoffMs = 10,
        FetchWaitMaxMs = 100,
        ReconnectBackoffMs = 50,
        ReconnectBackoffMaxMs = 500,
        EnableAutoCommit = true,
        AutoCommitIntervalMs = 200,
    };

    /// <summary>Produces <paramref name="count"/> records keyed <c>key-{i % keys}</c> with value <c>value-{i}</c> and awaits every delivery.</summary>
    public static Task<DeliveryResult<string, string>[]> ProduceKeyedAsync(
        IProducer<string, string> producer, string topic, int count, int keys = 50, int firstValue = 0) =>
        Task.WhenAll(StartProducingKeyed(producer, topic, count, keys, firstValue));

    /// <summary>Like <see cref="ProduceKeyedAsync"/>, but hands back the pending sends so a test can act while they are in flight.</summary>
    public static Task<DeliveryResult<string, string>>[] StartProducingKeyed(
        IProducer<string, string> producer, string topic, int count, int keys = 50, int firstValue = 0) =>
        [.. Enumerable.Range(firstValue, count)
            .Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = $"key-{i % keys}", Value = $"value-{i}" }))];

    /// <inheritdoc />
    public void Dispose() => Cluster.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
