namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// A shard that replaced the one being read, returned by GetRecords when the reader reaches the end
/// of a closed shard. (kinesalite never returns these; read ListShards there.)
/// </summary>
internal sealed class ChildShard
{
    /// <summary>The child shard's id.</summary>
    public string? ShardId { get; set; }

    /// <summary>The shards the child was made from.</summary>
    public List<string>? ParentShards { get; set; }

    /// <summary>The hash keys the child owns.</summary>
    public HashKeyRange? HashKeyRange { get; set; }
}
