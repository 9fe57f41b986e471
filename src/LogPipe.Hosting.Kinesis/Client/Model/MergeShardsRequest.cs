namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Merges two shards with adjacent hash key ranges; both close and one child opens.</summary>
internal sealed class MergeShardsRequest
{
    /// <summary>The stream the shards belong to.</summary>
    public string? StreamName { get; set; }

    /// <summary>The first shard to merge; becomes the child's <c>ParentShardId</c>.</summary>
    public string? ShardToMerge { get; set; }

    /// <summary>The shard adjacent to it; becomes the child's <c>AdjacentParentShardId</c>.</summary>
    public string? AdjacentShardToMerge { get; set; }
}
