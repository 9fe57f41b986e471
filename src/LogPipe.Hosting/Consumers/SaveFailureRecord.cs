namespace LogPipe.Hosting.Consumers;

/// <summary>
/// What a record's failed saves have added up to so far: counted attempts, transient failures not (yet) counted, when it
/// first failed and its last error.
/// </summary>
internal readonly record struct SaveFailureRecord(int Attempts, int TransientFailures, DateTimeOffset FirstFailedAt, Exception LastError)
{
    /// <summary>Whether the last failure counted toward <c>MaxAttempts</c>.</summary>
    public bool Counted { get; init; }

    /// <summary>Every try so far, counted or not: the exponent of the next backoff.</summary>
    public int Tries => Attempts + TransientFailures;
}
