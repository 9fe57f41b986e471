using System.Text.Json.Serialization;

namespace LogPipe.Cli.Offsets;

/// <summary>One line of <c>offsets list</c>: a stored checkpoint, or a partition (shard) that has none yet; with its lag when asked.</summary>
internal sealed record OffsetRow(
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
