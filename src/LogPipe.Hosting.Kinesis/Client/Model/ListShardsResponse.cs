namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>One page of a stream's shards.</summary>
internal sealed class ListShardsResponse : KinesisResponse
{
    /// <summary>The shards on this page, open and closed.</summary>
    public List<Shard>? Shards { get; set; }

    /// <summary>Set when more shards follow; pass it in the next request (without a stream name).</summary>
    public string? NextToken { get; set; }
}
