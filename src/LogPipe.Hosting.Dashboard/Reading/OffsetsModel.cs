using LogPipe.Hosting.Operations;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>What the offsets page shows.</summary>
/// <param name="ConsumerGroup">The consumer group whose checkpoints are shown and moved.</param>
/// <param name="ConsumersRunning">Whether this instance's own consumers run, so that it is a member of the group itself.</param>
/// <param name="Checkpoints">The stored checkpoints, with their lag where known.</param>
/// <param name="Unreadable">Why the checkpoints could not be read, if they could not.</param>
internal sealed record OffsetsModel(string ConsumerGroup, bool ConsumersRunning, IReadOnlyList<CheckpointStatus> Checkpoints, string? Unreadable)
{
    /// <summary>Why the lag is not shown (the cluster could not be asked), if it is not.</summary>
    public string? LagUnknown { get; init; }

    /// <summary>What the last move did (after the redirect), to say at the top of the page.</summary>
    public string? Moved { get; init; }

    /// <summary>Why the move just asked for did not happen, to say at the top of the page.</summary>
    public string? Refusal { get; init; }

    /// <summary>The kind of that refusal (<c>Refused</c>, <c>InvalidRequest</c>, ...).</summary>
    public OperationFailure? RefusalKind { get; init; }

    /// <summary>Whether forcing the move overrides that refusal, so the page points at its force box.</summary>
    public bool RefusalCanBeForced { get; init; }
}
