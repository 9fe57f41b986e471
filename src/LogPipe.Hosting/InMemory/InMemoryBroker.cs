using System.Text;

namespace LogPipe.Hosting.InMemory;

/// <summary>
/// An in-process log with topics, partitions and offsets: the transport behind <c>LogPipe:Transport = InMemory</c>, for
/// development and for the unit tests of applications using LogPipe (the analog of django-logpipe's dummy backend).
/// Keys go to partitions as Kafka's default partitioner would place them. Thread-safe; records are kept until disposal.
/// </summary>
public sealed class InMemoryBroker
{
    private readonly Dictionary<string, PartitionedTopic> _topics = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates a broker.</summary>
    /// <param name="time">The clock that stamps records; the system clock when <see langword="null"/>.</param>
    public InMemoryBroker(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Partitions of a topic created on first use. Default 1.</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions if it does not exist yet.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partitions">How many partitions.</param>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        lock (_topics)
        {
            _topics.TryAdd(topic, new PartitionedTopic(partitions));
        }
    }

    /// <summary>How many partitions a topic has (creating it with <see cref="DefaultPartitions"/> if needed).</summary>
    /// <param name="topic">The topic name.</param>
    /// <returns>The partition count.</returns>
    public int PartitionCount(string topic) => Get(topic).Partitions.Length;

    /// <summary>Appends a record, as a producer would.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="key">The key; records without one go round-robin.</param>
    /// <param name="value">The value (copied).</param>
    /// <param name="headers">Headers, if any.</param>
    /// <returns>Where the record was stored.</returns>
    public RecordPosition Append(string topic, string? key, ReadOnlyMemory<byte> value, IReadOnlyList<KeyValuePair<string, byte[]>>? headers = null)
    {
        var t = Get(topic);
        var keyBytes = key is null ? null : Encoding.UTF8.GetBytes(key);
        TaskCompletionSource signal;
        int partition;
        long offset;
        lock (t)
        {
            partition = keyBytes is null ? t.NextRoundRobin() : KafkaPartitioner.PartitionFor(keyBytes, t.Partitions.Length);
            var log = t.Partitions[partition];
            offset = log.Count;
            log.Add(new StoredRecord(keyBytes, value.ToArray(), headers, _time.GetUtcNow()));
            signal = t.Signal;
            t.Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
        return new RecordPosition(topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture), offset);
    }

    /// <summary>The end offset (offset of the next record) of every partition of a topic.</summary>
    /// <param name="topic">The topic name.</param>
    /// <returns>One end offset per partition.</returns>
    public IReadOnlyList<long> EndOffsets(string topic)
    {
        var t = Get(topic);
        lock (t)
        {
            return t.Partitions.Select(p => (long)p.Count).ToArray();
        }
    }

    /// <summary>Reads one stored record.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="offset">The offset.</param>
    /// <param name="record">The record.</param>
    /// <returns><see langword="true"/> when a record exists at that offset.</returns>
    public bool TryGet(string topic, int partition, long offset, out StoredRecord record)
    {
        var t = Get(topic);
        lock (t)
        {
            var log = t.Partitions[partition];
            if (offset >= 0 && offset < log.Count)
            {
                record = log[(int)offset];
                return true;
            }
        }

        record = default;
        return false;
    }

    /// <summary>The topics created so far, by name.</summary>
    internal IReadOnlyList<string> TopicNames()
    {
        lock (_topics)
        {
            return _topics.Keys.Order(StringComparer.Ordinal).ToArray();
        }
    }

    internal Task NextAppendAsync(string topic)
    {
        var t = Get(topic);
        lock (t)
        {
            return t.Signal.Task;
        }
    }

    private PartitionedTopic Get(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        lock (_topics)
        {
            if (!_topics.TryGetValue(topic, out var t))
            {
                t = new PartitionedTopic(Math.Max(1, DefaultPartitions));
                _topics.Add(topic, t);
            }

            return t;
        }
    }

    /// <summary>A record as the broker keeps it.</summary>
    /// <param name="Key">The key bytes, if any.</param>
    /// <param name="Value">The value bytes.</param>
    /// <param name="Headers">The headers, if any.</param>
    /// <param name="Timestamp">When it was appended.</param>
    public readonly record struct StoredRecord(byte[]? Key, byte[] Value, IReadOnlyList<KeyValuePair<string, byte[]>>? Headers, DateTimeOffset Timestamp);

    private sealed class PartitionedTopic(int partitions)
    {
        private int _roundRobin;

        public List<StoredRecord>[] Partitions { get; } = Enumerable.Range(0, partitions).Select(_ => new List<StoredRecord>()).ToArray();

        public TaskCompletionSource Signal { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int NextRoundRobin() => _roundRobin++ % Partitions.Length;
    }
}
