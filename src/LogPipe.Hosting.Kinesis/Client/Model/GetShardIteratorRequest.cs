namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Asks for an iterator to read a shard from a given position.</summary>
internal sealed class GetShardIteratorRequest
{
    /// <summary>The stream the shard belongs to.</summary>
    public string? StreamName { get; set; }

    /// <summary>The shard to read.</summary>
    public string? ShardId { get; set; }

    /// <summary>Where to start reading.</summary>
    public ShardIteratorType? ShardIteratorType { get; set; }

    /// <summary>The sequence number for <c>AT_SEQUENCE_NUMBER</c> and <c>AFTER_SEQUENCE_NUMBER</c>.</summary>
    public string? StartingSequenceNumber { get; set; }

    /// <summary>
    /// The time for <c>AT_TIMESTAMP</c> (UTC; epoch seconds on the wire). kinesalite does not answer
    /// while no record was written at or after it.
    /// </summary>
    public DateTime? Timestamp { get; set; }
}
