namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Reads the next records of a shard.</summary>
internal sealed class GetRecordsRequest
{
    /// <summary>The iterator from GetShardIterator or from the previous GetRecords.</summary>
    public string? ShardIterator { get; set; }

    /// <summary>The most records to return, 1 to 10,000.</summary>
    public int? Limit { get; set; }
}
