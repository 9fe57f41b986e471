using System.Diagnostics.Metrics;

namespace LogPipe.Hosting.Kafka;

/// <summary>The Kafka transport's instruments, on LogPipe's meter (<c>LogPipe.Hosting</c>); nothing is recorded when metrics are off.</summary>
internal sealed class KafkaMetrics
{
    private readonly Counter<long>? _lostToRetention;

    public KafkaMetrics(LogPipeTelemetry? telemetry)
    {
        if (telemetry is not { MetricsEnabled: true }) return;
        _lostToRetention = telemetry.Meter.CreateCounter<long>(
            "logpipe.kafka.records_lost_to_retention",
            "{record}",
            "Records deleted by the topic's retention before the consumer group read them (its checkpoint was below the log start), by topic.");
    }

    public void LostToRetention(string topic, int partition, long records) =>
        _lostToRetention?.Add(
            records,
            new KeyValuePair<string, object?>("messaging.destination.name", topic),
            new KeyValuePair<string, object?>("messaging.destination.partition.id", PartitionNames.Of(partition)));
}
