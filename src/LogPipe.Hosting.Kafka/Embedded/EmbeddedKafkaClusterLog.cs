using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.Embedded;

/// <summary>Log events of the embedded development broker (event ids 7100–7199).</summary>
internal static partial class EmbeddedKafkaClusterLog
{
    [LoggerMessage(EventId = 7100, EventName = "EmbeddedKafkaStarted", Level = LogLevel.Warning,
        Message = "Embedded Kafka development broker started on {BootstrapServers} ({BrokerCount} brokers). " +
                  "DEVELOPMENT ONLY: it keeps data in memory with limited retention (each partition keeps at most " +
                  "5 MiB or 100,000 batches; older data is evicted) and everything is lost when it stops. " +
                  "Never use it in production.")]
    internal static partial void Started(ILogger logger, string bootstrapServers, int brokerCount);

    [LoggerMessage(EventId = 7101, EventName = "EmbeddedKafkaTopicCreated", Level = LogLevel.Information,
        Message = "Embedded Kafka topic {Topic} created with {Partitions} partitions, replication factor {ReplicationFactor}")]
    internal static partial void TopicCreated(ILogger logger, string topic, int partitions, int replicationFactor);

    [LoggerMessage(EventId = 7102, EventName = "EmbeddedKafkaBrokerDown", Level = LogLevel.Information,
        Message = "Embedded Kafka broker {BrokerId} set down")]
    internal static partial void BrokerDown(ILogger logger, int brokerId);

    [LoggerMessage(EventId = 7103, EventName = "EmbeddedKafkaBrokerUp", Level = LogLevel.Information,
        Message = "Embedded Kafka broker {BrokerId} set up")]
    internal static partial void BrokerUp(ILogger logger, int brokerId);

    [LoggerMessage(EventId = 7104, EventName = "EmbeddedKafkaLeaderMoved", Level = LogLevel.Information,
        Message = "Embedded Kafka partition {Topic} [{Partition}] now led by broker {BrokerId}")]
    internal static partial void LeaderMoved(ILogger logger, string topic, int partition, int brokerId);

    [LoggerMessage(EventId = 7105, EventName = "EmbeddedKafkaRequestErrorsPushed", Level = LogLevel.Information,
        Message = "Embedded Kafka will fail the next {Count} {ApiKey} requests with {Errors}")]
    internal static partial void RequestErrorsPushed(ILogger logger, int count, KafkaApiKey apiKey, IReadOnlyList<Confluent.Kafka.ErrorCode> errors);

    [LoggerMessage(EventId = 7107, EventName = "EmbeddedKafkaRecordsDeleted", Level = LogLevel.Information,
        Message = "Embedded Kafka partition {Topic} [{Partition}] now starts at offset {LogStart}: older records deleted")]
    internal static partial void RecordsDeleted(ILogger logger, string topic, int partition, long logStart);

    [LoggerMessage(EventId = 7108, EventName = "EmbeddedKafkaRoundTripTimeSet", Level = LogLevel.Information,
        Message = "Embedded Kafka broker {BrokerId} answers after {RoundTripTimeMs} ms")]
    internal static partial void RoundTripTimeSet(ILogger logger, int brokerId, int roundTripTimeMs);

    [LoggerMessage(EventId = 7106, EventName = "EmbeddedKafkaStopped", Level = LogLevel.Information,
        Message = "Embedded Kafka development broker on {BootstrapServers} stopped; its data is gone")]
    internal static partial void Stopped(ILogger logger, string bootstrapServers);
}
