namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>A record read from a shard by GetRecords.</summary>
internal sealed class Record
{
    /// <summary>The record's sequence number, unique within its shard; store it to resume after it.</summary>
    public string? SequenceNumber { get; set; }

    /// <summary>When Kinesis accepted the record (UTC; epoch seconds with a fraction on the wire).</summary>
    public DateTime? ApproximateArrivalTimestamp { get; set; }

    /// <summary>The record's bytes (base64 on the wire).</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>The partition key the producer gave.</summary>
    public string? PartitionKey { get; set; }

    /// <summary>The server-side encryption applied, such as <c>NONE</c> or <c>KMS</c>.</summary>
    public string? EncryptionType { get; set; }
}
