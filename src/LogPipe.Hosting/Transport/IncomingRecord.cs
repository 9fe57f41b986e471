namespace LogPipe.Hosting.Transport;

/// <summary>A record read from a transport, with everything needed to apply it, checkpoint it and keep it if it is bad.</summary>
/// <remarks>Extension point for transport authors: what an <see cref="IRecordSource"/> hands to the consumer. See
/// docs/extending.md.</remarks>
public sealed class IncomingRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="partition">The partition or shard it came from.</param>
    /// <param name="offset">Its offset (Kafka, in-memory) or its position in the shard as read by this process (Kinesis).</param>
    /// <param name="key">The raw record key, if any.</param>
    /// <param name="value">The raw record value.</param>
    /// <param name="timestamp">When the transport stored it (Kafka timestamp, Kinesis approximate arrival time).</param>
    public IncomingRecord(PartitionKey partition, long offset, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte> value, DateTimeOffset timestamp)
    {
        Partition = partition;
        Offset = offset;
        Key = key;
        Value = value;
        Timestamp = timestamp;
    }

    /// <summary>The partition or shard the record came from.</summary>
    public PartitionKey Partition { get; }

    /// <summary>The record's offset in its partition (Kafka, in-memory) or running position in its shard (Kinesis).</summary>
    public long Offset { get; }

    /// <summary>The Kinesis sequence number; <see langword="null"/> on Kafka.</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>The raw record key, or <see langword="null"/> when the record has none.</summary>
    public ReadOnlyMemory<byte>? Key { get; }

    /// <summary>The raw record value: the encoded envelope.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Transport headers, if any.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers { get; init; }

    /// <summary>When the transport stored the record; <c>MinMessageLag</c> counts from here.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>
    /// The assignment generation of the partition when the record was read. A source bumps it on every (re)assignment or
    /// reset, so records read under an earlier assignment are recognised and dropped.
    /// </summary>
    public long Generation { get; init; }

    /// <summary>The checkpoint that applying this record leads to.</summary>
    public Checkpoint NextCheckpoint => new(Offset + 1, SequenceNumber);

    /// <inheritdoc />
    public override string ToString() => SequenceNumber is null ? $"{Partition}@{Offset}" : $"{Partition}@{SequenceNumber}";
}
