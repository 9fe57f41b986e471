namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>What running one phase gave: the measurement, a remark on how it ran, and what went wrong, if anything.</summary>
/// <param name="Measurement">The measurement.</param>
/// <param name="Note">How the phase ran (batch size, callers...), or <see langword="null"/>.</param>
/// <param name="Problem">What makes the row untrustworthy (records lost, dead letters...), or <see langword="null"/>.</param>
public sealed record PhaseRun(PhaseMeasurement Measurement, string? Note = null, string? Problem = null)
{
    /// <summary>The latencies a paced phase measured, or <see langword="null"/>.</summary>
    public LatencySummary? Latency { get; init; }
}
