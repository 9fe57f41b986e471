using Confluent.Kafka;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kafka;

/// <summary>A consumed Kafka record as the consumer service takes it, and the partition names its checkpoints are kept under.</summary>
internal static class KafkaIncomingRecord
{
    /// <summary>The transport part of a Kafka partition's <see cref="PartitionKey"/>, as checkpoints are stored.</summary>
    public const string Scope = "kafka";

    /// <summary>The checkpoint name of a topic's partition.</summary>
    public static PartitionKey Partition(string topic, int partition) => new(Scope, topic, PartitionNames.Of(partition));

    /// <summary>The record read in <paramref name="generation"/>: key, value (a tombstone's is empty), headers and time.</summary>
    /// <param name="topic">The subscribed topic (the record's, without asking librdkafka for it again).</param>
    /// <param name="result">What <c>Consume</c> answered; its message is not <see langword="null"/>.</param>
    /// <param name="generation">The partition's generation when it was read.</param>
    /// <param name="receivedAt">Now: the time of a record whose own time is missing or impossible.</param>
    /// <returns>The record.</returns>
    public static IncomingRecord From(string topic, ConsumeResult<byte[]?, byte[]> result, long generation, DateTimeOffset receivedAt)
    {
        var message = result.Message;
        var headers = message.Headers is { Count: > 0 } h
            ? h.Select(x => new KeyValuePair<string, byte[]>(x.Key, x.GetValueBytes())).ToList()
            : null;
        return new IncomingRecord(
            Partition(topic, result.Partition.Value),
            result.Offset.Value,
            message.Key,
            message.Value ?? [],
            KafkaRecordTime.Of(message.Timestamp, receivedAt))
        {
            Headers = headers,
            Generation = generation,
        };
    }
}
