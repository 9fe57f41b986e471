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

    /// <summary>
    /// Kinesis: the instance holding the shard's lease, and until when. Not filled yet: the lease table is read here once
    /// it exists (see <c>OffsetsListCommand</c>); the table shows the columns as soon as a row has a holder.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LeaseHolder { get; init; }

    /// <summary>Kinesis: when the lease of <see cref="LeaseHolder"/> expires.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Why the lag is unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LagUnknown { get; init; }
}
