using LogPipe.Hosting.Benchmarks.Measurement;

namespace LogPipe.Hosting.Benchmarks;

/// <summary>What one run produced: the exit code, the rows, the printed table and where the files went.</summary>
/// <param name="ExitCode">0 when every selected phase ran and moved every record; 1 when one did not; 2 for bad arguments.</param>
/// <param name="Results">One row per selected phase.</param>
/// <param name="Table">The table as printed.</param>
/// <param name="ResultsFile">The JSON file, if written.</param>
/// <param name="ChartFile">The PNG chart, if written.</param>
public sealed record BenchmarkOutcome(int ExitCode, IReadOnlyList<PhaseResult> Results, string Table, string? ResultsFile, string? ChartFile)
{
    /// <summary>The latency histogram (PNG), if a phase measured latencies.</summary>
    public string? LatencyChartFile { get; init; }

    /// <summary>With <c>--repeat</c>: every phase pair's ratio in each measured run and the median; empty otherwise.</summary>
    public IReadOnlyList<RepeatedRatios> Repeats { get; init; } = [];
}
