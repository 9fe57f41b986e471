namespace LogPipe.Hosting.Consumers;

/// <summary>
/// What became of one record: applied, a message error (skipped, and kept unless its type is ignored), or a copy of an
/// outbox record this consumer group applied already (<see cref="IsCopy"/>: skipped, not kept).
/// </summary>
internal readonly record struct RecordOutcome(MessageErrorKind? Error, string? ErrorMessage, string? MessageType, int? Version, Exception? Exception)
{
    public static RecordOutcome Applied(string type, int version) => new(null, null, type, version, null);

    public bool IsApplied => Error is null && !IsCopy;

    /// <summary>A copy of an outbox record applied already: skipped, counted, not kept; its offset moves on.</summary>
    public bool IsCopy { get; init; }

    public static RecordOutcome Copy(string? type, int? version) => new(null, null, type, version, null) { IsCopy = true };
}
