namespace LogPipe.Hosting.Consumers;

/// <summary>What became of one record: applied, or a message error (skipped, and kept unless its type is ignored).</summary>
internal readonly record struct RecordOutcome(MessageErrorKind? Error, string? ErrorMessage, string? MessageType, int? Version, Exception? Exception)
{
    public static RecordOutcome Applied(string type, int version) => new(null, null, type, version, null);

    public bool IsApplied => Error is null;
}
