namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Creates a provisioned stream. The stream is <c>CREATING</c> until it turns <c>ACTIVE</c>.</summary>
internal sealed class CreateStreamRequest
{
    /// <summary>The stream's name, unique in the account and region.</summary>
    public string? StreamName { get; set; }

    /// <summary>How many shards the stream starts with.</summary>
    public int? ShardCount { get; set; }
}
