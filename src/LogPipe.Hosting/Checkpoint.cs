namespace LogPipe.Hosting;

/// <summary>How far a consumer group has applied one partition or shard.</summary>
/// <param name="NextOffset">
/// For offset-based transports (Kafka, in-memory): the offset of the next record to apply.
/// For Kinesis: the number of records applied, kept for operators; resumption uses <paramref name="SequenceNumber"/>.
/// </param>
/// <param name="SequenceNumber">For Kinesis: the sequence number of the last applied record (resume AFTER_SEQUENCE_NUMBER).</param>
/// <remarks>Extension point for transport authors: the position a transport resumes from. See
/// docs/extending.md.</remarks>
public readonly record struct Checkpoint(long NextOffset, string? SequenceNumber = null);
