using System.Globalization;
using System.Text;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>
/// The ratios of one phase to its baseline over several measured runs in one process, and their median: on a shared machine
/// the raw client's own rate moves by a third between runs, so a single ratio says little and the median of five is the
/// figure the targets are judged by.
/// </summary>
/// <param name="Phase">The phase.</param>
/// <param name="Baseline">Its baseline.</param>
/// <param name="Ratios">Its ratio in each run where both it and its baseline ran, in run order.</param>
/// <param name="Runs">How many runs there were (a run where either side failed has no ratio).</param>
public sealed record RepeatedRatios(string Phase, string Baseline, IReadOnlyList<double> Ratios, int Runs)
{
    /// <summary>The median ratio (the mean of the middle two for an even count), or <see langword="null"/> when no run gave one.</summary>
    public double? Median => MedianOf(Ratios);

    /// <summary>The median of <paramref name="values"/>: the middle one, or the mean of the middle two; <see langword="null"/> for none.</summary>
    public static double? MedianOf(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>One entry per phase that has a baseline, in the order of the first run's rows.</summary>
    /// <param name="runs">Each measured run's rows.</param>
    public static IReadOnlyList<RepeatedRatios> Of(IReadOnlyList<IReadOnlyList<PhaseResult>> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) return [];
        return [.. runs[0]
            .Where(r => r.Phase.Baseline is not null && !r.Phase.Paced)
            .Select(r => new RepeatedRatios(
                r.Phase.Name,
                r.Phase.Baseline!,
                [.. runs.Select(run => run.FirstOrDefault(x => x.Phase.Name == r.Phase.Name))
                    .Where(x => x is { Ratio: not null, Problem: null })
                    .Select(x => x!.Ratio!.Value)],
                runs.Count))];
    }

    /// <summary>The summary as printed: one line per phase pair with every run's ratio and the median.</summary>
    public static string Format(IReadOnlyList<RepeatedRatios> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var text = new StringBuilder();
        foreach (var pair in pairs)
        {
            var ratios = string.Join(", ", pair.Ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture) + "×"));
            var median = pair.Median is { } m ? m.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";
            var missing = pair.Runs - pair.Ratios.Count;
            text.Append(CultureInfo.InvariantCulture, $"{pair.Phase} / {pair.Baseline}: median {median} of {pair.Ratios.Count} runs ({ratios})");
            if (missing > 0) text.Append(CultureInfo.InvariantCulture, $"; {missing} run(s) without a ratio (a side failed)");
            text.AppendLine();
        }

        return text.ToString();
    }
}
