namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>One record to write in a PutRecords call.</summary>
internal sealed class PutRecordsRequestEntry
{
    /// <summary>The record's bytes (base64 on the wire); at most 1 MiB together with the partition key.</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Chooses the shard (through its MD5 hash) and orders records within it; 1 to 256 characters.</summary>
    public string? PartitionKey { get; set; }

    /// <summary>A decimal 128-bit hash key that overrides the partition key's hash when choosing the shard.</summary>
    public string? ExplicitHashKey { get; set; }
}
