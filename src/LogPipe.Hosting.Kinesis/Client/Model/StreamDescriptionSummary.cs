namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>A stream's state without its shard list, as DescribeStreamSummary returns it.</summary>
internal sealed class StreamDescriptionSummary
{
    /// <summary>The stream's name.</summary>
    public string? StreamName { get; set; }

    /// <summary>The stream's Amazon Resource Name.</summary>
    public string? StreamARN { get; set; }

    /// <summary>Whether the stream is being created, is active, is being updated or deleted.</summary>
    public StreamStatus? StreamStatus { get; set; }

    /// <summary>How long records are retained, in hours.</summary>
    public int? RetentionPeriodHours { get; set; }

    /// <summary>When the stream was created (UTC).</summary>
    public DateTime? StreamCreationTimestamp { get; set; }

    /// <summary>How many shards are open (not closed by a split or merge).</summary>
    public int? OpenShardCount { get; set; }

    /// <summary>How many enhanced fan-out consumers are registered.</summary>
    public int? ConsumerCount { get; set; }

    /// <summary>The server-side encryption applied, such as <c>NONE</c> or <c>KMS</c>.</summary>
    public string? EncryptionType { get; set; }
}
