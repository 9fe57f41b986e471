namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Splits a shard in two at a hash key; the parent closes and two children open.</summary>
internal sealed class SplitShardRequest
{
    /// <summary>The stream the shard belongs to.</summary>
    public string? StreamName { get; set; }

    /// <summary>The shard to split.</summary>
    public string? ShardToSplit { get; set; }

    /// <summary>The first hash key (decimal) of the second child; must lie strictly inside the parent's range.</summary>
    public string? NewStartingHashKey { get; set; }
}
