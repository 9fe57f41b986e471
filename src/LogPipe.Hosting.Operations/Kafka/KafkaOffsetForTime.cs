using System.Globalization;
using Confluent.Kafka;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The next offset for a time: the first record whose timestamp is at or after it, or the partition's end when no record
/// is that late. Kafka's ListOffsets by timestamp answers first; when its answer is missing (an error) or contradicted
/// (it says "none that late" but the last record is), a binary search over the records answers instead
/// (<see cref="KafkaTimestampSearch"/>), so the move works on every broker, the development broker among them.
/// </summary>
internal static class KafkaOffsetForTime
{
    private const long TailRecords = 16;

    /// <exception cref="OperationException">A record has no timestamp (Refused); the cluster cannot be reached (Unreachable).</exception>
    public static long Find(KafkaConnection kafka, IConsumer<byte[]?, byte[]?> reader, string topic, int partition, DateTimeOffset time, WatermarkOffsets marks)
    {
        var (low, high) = (marks.Low.Value, marks.High.Value);
        if (low == high) return high;
        if (BrokerAnswer(kafka, reader, topic, partition, time) is { } answer)
        {
            if (answer >= 0) return Math.Clamp(answer, low, high);

            // "No record that late" means the end, unless the last record's own timestamp says otherwise.
            if (LastTimestamp(kafka, topic, partition, marks) is not { } last || last < time) return high;
        }

        using var search = new KafkaTimestampSearch(kafka, topic, partition);
        return search.Find(time, low, high);
    }

    /// <summary>The broker's answer (an offset, or -1 for "none that late"), or <see langword="null"/> when it gives none.</summary>
    private static long? BrokerAnswer(KafkaConnection kafka, IConsumer<byte[]?, byte[]?> reader, string topic, int partition, DateTimeOffset time)
    {
        try
        {
            var found = kafka.Call(() => reader.OffsetsForTimes([new TopicPartitionTimestamp(topic, partition, new Timestamp(time))], kafka.Timeout)).Single();
            return found.Offset.Value >= 0 ? found.Offset.Value : -1;
        }
        catch (TopicPartitionOffsetException)
        {
            return null;
        }
        catch (KafkaException ex) when (!KafkaConnection.IsUnreachable(ex.Error.Code))
        {
            return null;
        }
    }

    /// <summary>
    /// The timestamp of the partition's last record, read from a few offsets before its end up to the end: the very last
    /// offset may be a transaction marker, which is never returned as a record. <see langword="null"/> when none is seen.
    /// </summary>
    private static DateTimeOffset? LastTimestamp(KafkaConnection kafka, string topic, int partition, WatermarkOffsets marks)
    {
        using var reader = kafka.CreateReader(reportEndOfPartition: true);
        reader.Assign(new TopicPartitionOffset(topic, partition, Math.Max(marks.Low.Value, marks.High.Value - TailRecords)));
        DateTimeOffset? last = null;
        while (true)
        {
            var record = kafka.Call(() => reader.Consume(kafka.Timeout))
                ?? throw OperationException.Unreachable($"Kafka at {kafka.BootstrapServers} did not return the last records of partition {N(partition)} of topic '{topic}' within {kafka.Timeout.TotalSeconds:0} s.");
            if (record.IsPartitionEOF) return last;
            if (record.Message.Timestamp.Type != TimestampType.NotAvailable) last = record.Message.Timestamp.UtcDateTime;
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
