namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>Turns what a run measured into table rows, with each row's ratio to its baseline from the same run.</summary>
public static class ResultRows
{
    /// <summary>One row per selected phase, in order; phases missing from <paramref name="runs"/> get the reason in <paramref name="skipped"/>.</summary>
    public static IReadOnlyList<PhaseResult> Build(
        IEnumerable<PhaseDefinition> selected,
        IReadOnlyDictionary<string, PhaseRun> runs,
        IReadOnlyDictionary<string, (string? Note, string? Problem)> skipped)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(skipped);
        return [.. selected.Select(phase =>
        {
            if (!runs.TryGetValue(phase.Name, out var run))
            {
                var (note, problem) = skipped.GetValueOrDefault(phase.Name);
                return new PhaseResult(phase, null, null, note, problem ?? (note is null ? "did not run" : null));
            }

            double? ratio = phase.IsBaseline ? 1.0 : null;
            if (phase.Baseline is { } b && runs.TryGetValue(b, out var baseline) && baseline.Measurement.RecordsPerSecond > 0)
            {
                ratio = run.Measurement.RecordsPerSecond / baseline.Measurement.RecordsPerSecond;
            }

            return new PhaseResult(phase, run.Measurement, ratio, run.Note, run.Problem) { Latency = run.Latency };
        })];
    }
}
