using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Operations;

/// <summary>A stored checkpoint of a consumer group, or a partition (shard) that has none yet; with its lag when asked.</summary>
/// <param name="Transport">The checkpoint's transport: <c>kafka</c>, <c>kinesis:&lt;region&gt;</c> or <c>memory</c>.</param>
/// <param name="Stream">The topic or stream.</param>
/// <param name="Partition">The partition number or shard id.</param>
/// <param name="NextOffset">The next offset to apply, or <see langword="null"/> when nothing is stored.</param>
/// <param name="SequenceNumber">Kinesis: the last applied sequence number.</param>
/// <param name="Version">The checkpoint's version, moved on with every write.</param>
/// <param name="UpdatedAt">When it was last written.</param>
public sealed record CheckpointStatus(
    string Transport,
    string Stream,
    string Partition,
    long? NextOffset,
    string? SequenceNumber,
    long? Version,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>The partition's log end offset (high watermark), when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LogEndOffset { get; init; }

    /// <summary>Records not yet applied: log end minus next offset (or minus log start when nothing is stored).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Lag { get; init; }

    /// <summary>Kinesis: how far the checkpoint is behind the shard's newest record, from GetRecords after it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MillisBehindLatest { get; init; }

    /// <summary>Kinesis: when the oldest record not yet applied (the first after the checkpoint) arrived.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? OldestUnappliedAt { get; init; }

    /// <summary>Kinesis: whether every record of the shard is applied.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? CaughtUp { get; init; }

    /// <summary>Kinesis: the instance holding the shard's lease, or <c>free</c>; set only when the database has lease rows for the shard.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LeaseHolder { get; init; }

    /// <summary>Kinesis: the lease counter; others judge the lease expired once it has not moved for the lease duration on their clock.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LeaseCounter { get; init; }

    /// <summary>Kinesis: the lease's fencing epoch, moved on whenever the lease changes hands.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LeaseEpoch { get; init; }

    /// <summary>Kinesis: the shard is closed and applied to its end.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? LeaseFinished { get; init; }

    /// <summary>Kinesis: when the lease last changed, on the clock of the instance that changed it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LeaseLastRenewed { get; init; }

    /// <summary>Why the lag is unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LagUnknown { get; init; }
}
