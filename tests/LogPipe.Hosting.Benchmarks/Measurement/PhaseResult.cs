namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>A phase's row: its definition, what was measured (or why nothing was), and its ratio to the baseline.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Measurement">What was measured; <see langword="null"/> when the phase did not run.</param>
/// <param name="Ratio">Records/s divided by the baseline's records/s in the same run, when both ran; 1 for a baseline.</param>
/// <param name="Note">How the phase ran, or why it did not run when that is expected (a transport not yet available).</param>
/// <param name="Problem">What went wrong: the phase failed, lost records or dead-lettered some.</param>
public sealed record PhaseResult(PhaseDefinition Phase, PhaseMeasurement? Measurement, double? Ratio, string? Note, string? Problem)
{
    /// <summary>The latencies a paced phase measured, or <see langword="null"/>.</summary>
    public LatencySummary? Latency { get; init; }

    /// <summary>Whether the row is a full, trustworthy measurement of <paramref name="count"/> records (fewer if the phase is bounded).</summary>
    public bool IsComplete(int count) => Problem is null && Measurement is { } m && m.Records == Phase.RecordsOf(count);
}
