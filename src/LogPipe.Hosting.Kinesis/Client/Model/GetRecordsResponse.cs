namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The answer to GetRecords.</summary>
internal sealed class GetRecordsResponse : KinesisResponse
{
    /// <summary>The records read, in sequence-number order; may be empty even when more follow.</summary>
    public List<Record>? Records { get; set; }

    /// <summary>The iterator for the next call; <see langword="null"/> once a closed shard has been read to its end.</summary>
    public string? NextShardIterator { get; set; }

    /// <summary>How far the reader is behind the tip of the shard, in milliseconds (always 0 on kinesalite's open shards).</summary>
    public long? MillisBehindLatest { get; set; }

    /// <summary>The shards that replaced this one, when the end of a closed shard was reached.</summary>
    public List<ChildShard>? ChildShards { get; set; }
}
