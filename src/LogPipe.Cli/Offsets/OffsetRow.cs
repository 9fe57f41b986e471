using System.Text.Json.Serialization;

namespace LogPipe.Cli.Offsets;

/// <summary>One line of <c>offsets list</c>: a stored checkpoint, or a partition that has none yet; with its lag when asked.</summary>
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

    /// <summary>Why the lag is unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LagUnknown { get; init; }
}
