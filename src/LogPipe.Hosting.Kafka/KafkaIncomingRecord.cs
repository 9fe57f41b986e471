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
    /// <param name="time">Asked for now only when the record's own time is missing or impossible.</param>
    /// <returns>The record.</returns>
    public static IncomingRecord From(string topic, ConsumeResult<byte[]?, byte[]> result, long generation, TimeProvider time) =>
        Create(topic, result, generation, KafkaRecordTime.Of(result.Message.Timestamp, time));

    /// <summary>The record read in <paramref name="generation"/>, with <paramref name="receivedAt"/> for a record without a usable time.</summary>
    /// <param name="topic">The subscribed topic.</param>
    /// <param name="result">What <c>Consume</c> answered; its message is not <see langword="null"/>.</param>
    /// <param name="generation">The partition's generation when it was read.</param>
    /// <param name="receivedAt">Now: the time of a record whose own time is missing or impossible.</param>
    /// <returns>The record.</returns>
    public static IncomingRecord From(string topic, ConsumeResult<byte[]?, byte[]> result, long generation, DateTimeOffset receivedAt) =>
        Create(topic, result, generation, KafkaRecordTime.Of(result.Message.Timestamp, receivedAt));

    private static IncomingRecord Create(string topic, ConsumeResult<byte[]?, byte[]> result, long generation, DateTimeOffset timestamp)
    {
        var message = result.Message;
        List<KeyValuePair<string, byte[]>>? headers = null;
        if (message.Headers is { Count: > 0 } h)
        {
            // A loop, not LINQ: this runs for every record read.
            headers = new List<KeyValuePair<string, byte[]>>(h.Count);
            for (var i = 0; i < h.Count; i++) headers.Add(new KeyValuePair<string, byte[]>(h[i].Key, h[i].GetValueBytes()));
        }

        return new IncomingRecord(
            Partition(topic, result.Partition.Value),
            result.Offset.Value,
            message.Key,
            message.Value ?? [],
            timestamp)
        {
            Headers = headers,
            Generation = generation,
        };
    }
}
