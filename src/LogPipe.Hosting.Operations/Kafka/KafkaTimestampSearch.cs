using System.Globalization;
using Confluent.Kafka;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Finds the first offset whose record timestamp is at or after a time by a binary search over the partition's records,
/// reading one record per step with an assigned reader (about log2(n) reads). For brokers whose ListOffsets by timestamp
/// is missing or contradicts the records (librdkafka's mock cluster, the development broker, answers "none that late" to
/// every time). It assumes timestamps do not decrease along the partition, as the broker's own time index does; with
/// out-of-order CreateTime timestamps the answer is one offset whose record is at or after the time, with only earlier
/// ones before it along the path the search took.
/// </summary>
internal sealed class KafkaTimestampSearch : IDisposable
{
    private readonly KafkaConnection _kafka;
    private readonly IConsumer<byte[]?, byte[]?> _reader;
    private readonly string _topic;
    private readonly int _partition;

    public KafkaTimestampSearch(KafkaConnection kafka, string topic, int partition)
    {
        _kafka = kafka;
        _topic = topic;
        _partition = partition;
        _reader = kafka.CreateReader(reportEndOfPartition: true);
    }

    /// <summary>How many records the last <see cref="Find"/> read.</summary>
    public int Reads { get; private set; }

    /// <summary>
    /// The first offset in [<paramref name="low"/>, <paramref name="high"/>) whose record is at or after
    /// <paramref name="time"/>, or <paramref name="high"/> (the end) when none is that late.
    /// </summary>
    /// <exception cref="OperationException">A record has no timestamp (Refused); the cluster does not answer (Unreachable).</exception>
    public long Find(DateTimeOffset time, long low, long high)
    {
        Reads = 0;
        // Invariant: every record before lo is earlier than the time; the record at or after hi (or the end) is not.
        var (lo, hi, found) = (low, high, high);
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var record = RecordAtOrAfter(mid);
            if (record is null || record.Value.Time >= time)
            {
                (hi, found) = (mid, record?.Offset ?? high);
            }
            else
            {
                lo = record.Value.Offset + 1;
            }
        }

        return lo == high ? high : found;
    }

    /// <summary>The first record at or after <paramref name="offset"/> (there may be gaps: compaction, transaction markers), or <see langword="null"/> at the end.</summary>
    private (long Offset, DateTimeOffset Time)? RecordAtOrAfter(long offset)
    {
        Reads++;
        _reader.Assign(new TopicPartitionOffset(_topic, _partition, offset));
        while (true)
        {
            var result = _kafka.Call(() => _reader.Consume(_kafka.Timeout))
                ?? throw OperationException.Unreachable(
                    $"Kafka at {_kafka.BootstrapServers} did not return the record at offset {N(offset)} of partition {N(_partition)} of topic '{_topic}' within {_kafka.Timeout.TotalSeconds:0} s.");
            if (result.IsPartitionEOF) return null;
            if (result.Offset.Value < offset) continue; // fetched before this assignment

            if (result.Message.Timestamp.Type == TimestampType.NotAvailable)
            {
                throw OperationException.Refused(
                    $"The record at offset {N(result.Offset.Value)} of partition {N(_partition)} of topic '{_topic}' carries no timestamp, so no position can be " +
                    "found for a time. Move it to an offset instead. Nothing was changed.");
            }

            return (result.Offset.Value, result.Message.Timestamp.UtcDateTime);
        }
    }

    public void Dispose() => _reader.Dispose(); // never joined a group: nothing to leave or commit

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
