namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The answer to GetShardIterator.</summary>
internal sealed class GetShardIteratorResponse : KinesisResponse
{
    /// <summary>The iterator to pass to GetRecords; it expires five minutes after it was issued.</summary>
    public string? ShardIterator { get; set; }
}
