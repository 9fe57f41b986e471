namespace LogPipe.Hosting;

/// <summary>Where a sent record was stored.</summary>
/// <param name="Stream">The Kafka topic or Kinesis stream.</param>
/// <param name="Partition">The Kafka partition number or Kinesis shard id.</param>
/// <param name="Offset">The Kafka offset (-1 for Kinesis, which has sequence numbers instead).</param>
/// <param name="SequenceNumber">The Kinesis sequence number, or <see langword="null"/> on Kafka.</param>
/// <remarks>Extension point for transport authors: what an <see cref="Transport.IRecordSender"/> reports for a sent record. See
/// docs/extending.md.</remarks>
public readonly record struct RecordPosition(string Stream, string Partition, long Offset, string? SequenceNumber = null)
{
    /// <inheritdoc />
    public override string ToString() => SequenceNumber is null ? $"{Stream}[{Partition}]@{Offset}" : $"{Stream}[{Partition}]@{SequenceNumber}";
}
