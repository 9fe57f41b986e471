namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>A shard of a stream, as ListShards describes it.</summary>
internal sealed class Shard
{
    /// <summary>The shard's id, such as <c>shardId-000000000000</c>.</summary>
    public string? ShardId { get; set; }

    /// <summary>The shard this one was split from, or the first of the two it was merged from.</summary>
    public string? ParentShardId { get; set; }

    /// <summary>The second shard of a merge that produced this one.</summary>
    public string? AdjacentParentShardId { get; set; }

    /// <summary>The hash keys this shard owns.</summary>
    public HashKeyRange? HashKeyRange { get; set; }

    /// <summary>The sequence numbers this shard spans; an ending number means the shard is closed.</summary>
    public SequenceNumberRange? SequenceNumberRange { get; set; }
}
