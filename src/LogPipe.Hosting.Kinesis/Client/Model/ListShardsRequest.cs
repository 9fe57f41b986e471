namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// Lists a stream's shards, one page at a time. Give either <see cref="StreamName"/> (optionally with
/// <see cref="ExclusiveStartShardId"/>) or <see cref="NextToken"/> from the previous page, not both.
/// <see cref="KinesisClientExtensions.ListAllShardsAsync"/> follows the pages for you.
/// </summary>
internal sealed class ListShardsRequest
{
    /// <summary>The stream whose shards to list; leave unset when <see cref="NextToken"/> is set.</summary>
    public string? StreamName { get; set; }

    /// <summary>The previous page's <see cref="ListShardsResponse.NextToken"/> (valid for 300 seconds).</summary>
    public string? NextToken { get; set; }

    /// <summary>List only shards whose id sorts after this one (a way to resume without a token).</summary>
    public string? ExclusiveStartShardId { get; set; }

    /// <summary>The most shards one page may hold, 1 to 10,000 (the service's default is 1,000).</summary>
    public int? MaxResults { get; set; }

    /// <summary>Tells apart streams of the same name created at different times.</summary>
    public DateTime? StreamCreationTimestamp { get; set; }
}
