namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// The range of 128-bit hash keys a shard owns, as decimal strings. A record's hash key is the
/// MD5 of its partition key (or its explicit hash key).
/// </summary>
internal sealed class HashKeyRange
{
    /// <summary>The lowest hash key the shard owns, inclusive.</summary>
    public string? StartingHashKey { get; set; }

    /// <summary>The highest hash key the shard owns, inclusive.</summary>
    public string? EndingHashKey { get; set; }
}
