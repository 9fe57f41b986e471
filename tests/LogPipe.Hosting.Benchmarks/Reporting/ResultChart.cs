using System.Globalization;
using LogPipe.Hosting.Benchmarks.Measurement;
using ScottPlot;

namespace LogPipe.Hosting.Benchmarks.Reporting;

/// <summary>
/// The chart docs/performance.md shows: records/s per phase on a log scale (rates span three orders of magnitude),
/// baselines in grey, LogPipe in blue, each bar labelled with its rate and its ratio to the baseline.
/// </summary>
public static class ResultChart
{
    /// <summary>Writes the chart as a PNG.</summary>
    public static void Write(string path, string title, IReadOnlyList<PhaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Where(r => r.Measurement is { RecordsPerSecond: > 0 }).Reverse().ToList();
        var plot = new Plot();
        var c = CultureInfo.InvariantCulture;
        var bars = rows.Select((r, i) => new Bar
        {
            Position = i,
            Value = Math.Log10(r.Measurement!.RecordsPerSecond),
            FillColor = r.Phase.IsBaseline ? Colors.Gray : Colors.SteelBlue,
            Label = r.Measurement.RecordsPerSecond.ToString("N0", c) + "/s"
                + (r.Phase.IsBaseline ? "  (baseline)" : r.Ratio is { } ratio ? "  (" + ResultTable.FormatRatio(ratio) + ")" : ""),
            Size = 0.7,
        }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows.Count).Select(i => (double)i)], [.. rows.Select(r => r.Phase.Name)]);
        var top = Math.Ceiling(rows.Count == 0 ? 1 : rows.Max(r => Math.Log10(r.Measurement!.RecordsPerSecond)) + 0.6);
        // No tick on the right edge, where its label would be cut off.
        var decades = Enumerable.Range(0, (int)top).Select(d => (double)d).ToArray();
        plot.Axes.Bottom.SetTicks(decades, [.. decades.Select(d => Math.Pow(10, d).ToString("N0", c))]);
        var left = rows.Count == 0 ? 2 : Math.Min(2, Math.Floor(rows.Min(r => Math.Log10(r.Measurement!.RecordsPerSecond))));
        plot.Axes.SetLimits(left: left, right: top, bottom: -0.6, top: rows.Count - 0.4);
        plot.Axes.Bottom.Label.Text = "records per second (log scale)";
        plot.Title(title);
        plot.SavePng(path, 1100, 120 + (rows.Count * 55));
    }
}
