namespace LogPipe.Hosting.Operations;

/// <summary>
/// Rewind or skip one partition or shard of a consumer group. Give exactly one target: <see cref="Offset"/>,
/// <see cref="SequenceNumber"/>, <see cref="ToEnd"/>, <see cref="ToBeginning"/> or <see cref="Time"/>.
/// </summary>
/// <param name="ConsumerGroup">The consumer group.</param>
/// <param name="Stream">The topic or stream.</param>
/// <param name="Partition">The partition number or shard id.</param>
public sealed record OffsetMoveRequest(string ConsumerGroup, string Stream, string Partition)
{
    /// <summary>The next offset to apply (Kafka, or the in-memory transport).</summary>
    public long? Offset { get; init; }

    /// <summary>Resume after this sequence number (Kinesis); it must belong to the shard, as Kinesis confirms.</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>Skip to the partition's end: only records produced from now on are applied (Kafka).</summary>
    public bool ToEnd { get; init; }

    /// <summary>Rewind to the first record the partition still holds (Kafka).</summary>
    public bool ToBeginning { get; init; }

    /// <summary>
    /// Move to the first record whose timestamp is at or after this time, or to the partition's end when none is that late
    /// (Kafka: the broker's ListOffsets by timestamp, or a binary search over the records where that answer is missing or
    /// contradicted; Kinesis: the shard read from its trim horizon by <c>ApproximateArrivalTimestamp</c>, resuming after the
    /// record before that one, or from the shard's starting sequence number when its first record is already that late).
    /// </summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The checkpoint's transport (<c>kafka</c>, <c>kinesis:&lt;region&gt;</c>, <c>memory</c>); by default the stored row's, else <c>LogPipe:Transport</c>'s.</summary>
    public string? Transport { get; init; }

    /// <summary>
    /// Move it even while the Kafka consumer group has members, or when that cannot be checked. The position must still
    /// be inside the partition: no position outside it is ever safe to store.
    /// </summary>
    public bool Force { get; init; }

    /// <summary>How many targets the request names (exactly one is valid).</summary>
    internal int Targets => (Offset is null ? 0 : 1) + (SequenceNumber is null ? 0 : 1) + (ToEnd ? 1 : 0) + (ToBeginning ? 1 : 0) + (Time is null ? 0 : 1);
}
