using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using LogPipe.Hosting.Benchmarks.Measurement;

namespace LogPipe.Hosting.Benchmarks.Reporting;

/// <summary>The results as JSON: the machine, the options, facts of the run and one entry per phase.</summary>
public static class ResultFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes the file.</summary>
    public static async Task WriteAsync(string path, BenchmarkOptions options, IReadOnlyDictionary<string, string> facts, IReadOnlyList<PhaseResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var document = new
        {
            Mode = options.Mode,
            Count = options.Count,
            FinishedAt = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            Machine = Machine(),
            Facts = facts,
            Phases = results.Select(r => new
            {
                r.Phase.Name,
                r.Phase.Label,
                r.Phase.Baseline,
                Records = r.Measurement?.Records,
                Seconds = r.Measurement?.Elapsed.TotalSeconds,
                RecordsPerSecond = r.Measurement?.RecordsPerSecond,
                r.Ratio,
                PeakWorkingSetBytes = r.Measurement?.PeakWorkingSetBytes,
                PeakManagedHeapBytes = r.Measurement?.PeakManagedHeapBytes,
                Gc = r.Measurement is { } m ? new[] { m.Gen0, m.Gen1, m.Gen2 } : null,
                AllocatedBytesPerRecord = r.Measurement?.AllocatedBytesPerRecord,
                CpuMicrosecondsPerRecord = r.Measurement?.CpuMicrosecondsPerRecord,
                Latency = r.Latency is { } l ? new
                {
                    l.Samples,
                    l.P50Ms,
                    l.P99Ms,
                    l.P999Ms,
                    l.MaxMs,
                    Histogram = l.Histogram.Select((n, b) => new { Bucket = LatencySummary.BucketLabel(b), Records = n }),
                } : null,
                r.Note,
                r.Problem,
            }),
        };
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, document, Json, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the numbers were measured on.</summary>
    public static IReadOnlyDictionary<string, string> Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cpu"] = cpu ?? RuntimeInformation.ProcessArchitecture.ToString(),
            ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["memory_gib"] = (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024).ToString("0", CultureInfo.InvariantCulture),
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation" + (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Interactive ? ", concurrent" : ""),
        };
    }
}
