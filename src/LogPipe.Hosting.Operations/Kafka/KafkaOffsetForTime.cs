using System.Globalization;
using Confluent.Kafka;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The next offset for a time: the first record whose timestamp is at or after it (Kafka's ListOffsets by timestamp), or
/// the partition's end when no record is that late.
/// </summary>
internal static class KafkaOffsetForTime
{
    private const long TailRecords = 16;

    /// <exception cref="OperationException">The broker does not answer by timestamp (Refused); the cluster cannot be reached (Unreachable).</exception>
    public static long Find(KafkaConnection kafka, IConsumer<byte[]?, byte[]?> reader, string topic, int partition, DateTimeOffset time, WatermarkOffsets marks)
    {
        var (low, high) = (marks.Low.Value, marks.High.Value);
        if (low == high) return high;
        TopicPartitionOffset found;
        try
        {
            found = kafka.Call(() => reader.OffsetsForTimes([new TopicPartitionTimestamp(topic, partition, new Timestamp(time))], kafka.Timeout)).Single();
        }
        catch (TopicPartitionOffsetException ex)
        {
            var reason = ex.Results.Select(r => r.Error.Reason).FirstOrDefault(r => !string.IsNullOrEmpty(r)) ?? ex.Error.Reason;
            throw new OperationException(OperationFailure.Refused,
                $"Kafka at {kafka.BootstrapServers} could not find an offset for {Iso(time)} on partition {N(partition)} of topic '{topic}': {kafka.Redact(reason)}. Nothing was changed.", ex);
        }

        if (found.Offset.Value >= 0) return Math.Clamp(found.Offset.Value, low, high);

        // "No record that late" means the end — but librdkafka's mock cluster says so for every time. The last record's
        // own timestamp tells the two apart.
        var last = LastTimestamp(kafka, topic, partition, marks);
        if (last is { } lastTime && lastTime >= time)
        {
            throw OperationException.Refused(
                $"Kafka at {kafka.BootstrapServers} answered that partition {N(partition)} of topic '{topic}' has no record at or after {Iso(time)}, yet its last record " +
                $"is from {Iso(lastTime)}: this broker does not answer ListOffsets by timestamp (the development broker, librdkafka's mock " +
                "cluster, never does). Move it with --offset instead. Nothing was changed.");
        }

        return high;
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

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
