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

    /// <summary>
    /// Writes the latency histogram of the paced phases that measured latencies (share of records per bucket, one bar per
    /// phase in each bucket); returns whether there was any.
    /// </summary>
    public static bool WriteLatency(string path, string title, IReadOnlyList<PhaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Where(r => r.Latency is { Samples: > 0 }).ToList();
        if (rows.Count == 0) return false;
        var plot = new Plot();
        var buckets = LatencySummary.BucketUpperBoundsMs.Count + 1;
        var width = 0.8 / rows.Count;
        Color[] palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Purple, Colors.Gray];
        for (var r = 0; r < rows.Count; r++)
        {
            var latency = rows[r].Latency!;
            var bars = Enumerable.Range(0, buckets).Select(b => new Bar
            {
                Position = b - 0.4 + (width * (r + 0.5)),
                Value = 100.0 * latency.Histogram[b] / latency.Samples,
                FillColor = palette[r % palette.Length],
                Size = width * 0.9,
            }).ToList();
            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = rows[r].Phase.Name + ": " + latency;
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, buckets).Select(b => (double)b)], [.. Enumerable.Range(0, buckets).Select(LatencySummary.BucketLabel)]);
        plot.Axes.Bottom.Label.Text = "latency from SendAsync returning to the commit of the record's unit of work";
        plot.Axes.Left.Label.Text = "% of records";
        plot.Axes.SetLimits(left: -0.6, right: buckets - 0.4, bottom: 0, top: 105);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title(title);
        plot.SavePng(path, 1100, 500);
        return true;
    }
}
