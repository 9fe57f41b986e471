using System.Globalization;
using System.Text;
using LogPipe.Hosting.Benchmarks.Measurement;

namespace LogPipe.Hosting.Benchmarks.Reporting;

/// <summary>The printed table: one Markdown row per phase, so it pastes into docs/performance.md as it is.</summary>
public static class ResultTable
{
    /// <summary>The column headers.</summary>
    public static readonly string[] Headers =
        ["phase", "records", "records/s", "× baseline", "peak WS MiB", "peak heap MiB", "GC 0/1/2", "alloc B/rec", "CPU µs/rec", "note"];

    /// <summary>Formats the rows.</summary>
    public static string Format(IReadOnlyList<PhaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<string[]> { Headers };
        rows.AddRange(results.Select(Cells));
        var widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            text.Append('|');
            for (var c = 0; c < widths.Length; c++)
            {
                var cell = rows[r][c];
                var numeric = c is >= 1 and <= 8 && r > 0;
                text.Append(' ').Append(numeric ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c])).Append(" |");
            }

            text.AppendLine();
            if (r == 0)
            {
                text.Append('|');
                for (var c = 0; c < widths.Length; c++) text.Append(' ').Append(c is >= 1 and <= 8 ? new string('-', widths[c] - 1) + ":" : new string('-', widths[c])).Append(" |");
                text.AppendLine();
            }
        }

        return text.ToString();
    }

    /// <summary>A ratio with two significant digits below 0.1 (0.004×), two decimals above (0.52×).</summary>
    public static string FormatRatio(double ratio) => ratio.ToString(ratio < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + "×";

    private static string[] Cells(PhaseResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var label = result.Phase.Label + " `" + result.Phase.Name + "`";
        var note = string.Join("; ", new[] { result.Note, result.Problem is null ? null : "**" + result.Problem + "**" }.Where(n => n is not null));
        if (result.Measurement is not { } m) return [label, "—", "—", "—", "—", "—", "—", "—", "—", note];
        return
        [
            label,
            m.Records.ToString("N0", c),
            m.RecordsPerSecond.ToString("N0", c),
            result.Phase.IsBaseline ? "baseline" : result.Ratio is { } ratio ? FormatRatio(ratio) : "—",
            (m.PeakWorkingSetBytes / 1024.0 / 1024.0).ToString("N0", c),
            (m.PeakManagedHeapBytes / 1024.0 / 1024.0).ToString("N0", c),
            string.Create(c, $"{m.Gen0}/{m.Gen1}/{m.Gen2}"),
            m.AllocatedBytesPerRecord.ToString("N0", c),
            m.CpuMicrosecondsPerRecord.ToString("N1", c),
            note,
        ];
    }
}
