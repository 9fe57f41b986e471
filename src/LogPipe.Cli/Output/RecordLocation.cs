namespace LogPipe.Cli.Output;

/// <summary>Where a record came from and when, with its raw key and value.</summary>
/// <param name="Stream">The topic or stream.</param>
/// <param name="Partition">The partition number, or the Kinesis shard id.</param>
/// <param name="Offset">The Kafka offset (Kinesis: the record's place among those read from its shard).</param>
/// <param name="Timestamp">The record's timestamp (Kinesis: its arrival time).</param>
/// <param name="Key">The record key (Kinesis: the partition key).</param>
/// <param name="Value">The record value.</param>
internal sealed record RecordLocation(string Stream, string Partition, long Offset, DateTimeOffset Timestamp, byte[]? Key, byte[] Value)
{
    /// <summary>The Kinesis sequence number, which then names the record's position instead of <see cref="Offset"/>.</summary>
    public string? SequenceNumber { get; init; }
}
