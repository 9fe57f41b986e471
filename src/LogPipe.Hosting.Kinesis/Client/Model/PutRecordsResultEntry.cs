namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// The outcome of one entry of a PutRecords call, at the same index as the entry: either a
/// sequence number and shard, or an error code.
/// </summary>
internal sealed class PutRecordsResultEntry
{
    /// <summary>The sequence number assigned to the record, when it was written.</summary>
    public string? SequenceNumber { get; set; }

    /// <summary>The shard the record was written to, when it was written.</summary>
    public string? ShardId { get; set; }

    /// <summary>Why the record was not written, such as <c>ProvisionedThroughputExceededException</c> or <c>InternalFailure</c>.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The service's explanation of <see cref="ErrorCode"/>.</summary>
    public string? ErrorMessage { get; set; }
}
