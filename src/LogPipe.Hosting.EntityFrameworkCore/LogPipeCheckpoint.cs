namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>A stored checkpoint: how far one consumer group has applied one partition or shard. One row per key.</summary>
public sealed class LogPipeCheckpoint
{
    /// <summary>The consumer group.</summary>
    public required string ConsumerGroup { get; set; }

    /// <summary>The transport and region, for example <c>kafka</c> or <c>kinesis:us-east-1</c>.</summary>
    public required string Transport { get; set; }

    /// <summary>The topic or stream.</summary>
    public required string Stream { get; set; }

    /// <summary>The partition number or shard id.</summary>
    public required string Partition { get; set; }

    /// <summary>The next offset to apply (Kafka, in-memory), or the count of applied records (Kinesis).</summary>
    public long NextOffset { get; set; }

    /// <summary>The sequence number of the last applied record (Kinesis).</summary>
    public string? SequenceNumber { get; set; }

    /// <summary>Moves on with every write; a write is conditional on the version last read, which fences out stale instances.</summary>
    public long Version { get; set; }

    /// <summary>When the checkpoint last moved.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
