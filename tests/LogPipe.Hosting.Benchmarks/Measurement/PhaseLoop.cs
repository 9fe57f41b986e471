using System.Globalization;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>Runs a mode's selected phases in order, logging each, and turns what they gave into table rows.</summary>
public static class PhaseLoop
{
    /// <summary>Runs <paramref name="run"/> for each phase; a phase that throws becomes a row with the failure as its problem.</summary>
    /// <param name="selected">The phases, in order.</param>
    /// <param name="run">Runs one phase.</param>
    /// <param name="skipReason">Why a phase cannot run in this build (a row with a note and no numbers), or <see langword="null"/>.</param>
    /// <param name="log">Writes a progress line.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<IReadOnlyList<PhaseResult>> RunAsync(
        IReadOnlyList<PhaseDefinition> selected,
        Func<PhaseDefinition, CancellationToken, Task<PhaseRun>> run,
        Func<PhaseDefinition, string?> skipReason,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(skipReason);
        ArgumentNullException.ThrowIfNull(log);
        var runs = new Dictionary<string, PhaseRun>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        foreach (var phase in selected)
        {
            if (skipReason(phase) is { } reason)
            {
                skipped[phase.Name] = (reason, null);
                log($"{phase.Name}: {reason}");
                continue;
            }

            log($"{phase.Name}: running...");
            try
            {
                var result = runs[phase.Name] = await run(phase, cancellationToken).ConfigureAwait(false);
                var m = result.Measurement;
                log(string.Create(CultureInfo.InvariantCulture, $"{phase.Name}: {m.Records:N0} records in {m.Elapsed.TotalSeconds:F1} s = {m.RecordsPerSecond:N0} records/s {result.Note} {result.Problem}"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One broken phase must not hide the others' figures.
                skipped[phase.Name] = (null, "failed: " + ex.Message);
                log($"{phase.Name}: FAILED: {ex}");
            }
        }

        return ResultRows.Build(selected, runs, skipped);
    }
}
