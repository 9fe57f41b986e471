using System.Globalization;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>The latencies of a paced phase: percentiles and a histogram over fixed, roughly logarithmic buckets.</summary>
/// <param name="Samples">How many latencies were measured.</param>
/// <param name="P50Ms">Median, in milliseconds.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="P999Ms">99.9th percentile.</param>
/// <param name="MaxMs">Largest.</param>
/// <param name="Histogram">Latencies per bucket of <see cref="BucketUpperBoundsMs"/> (the last bucket takes the rest).</param>
public sealed record LatencySummary(int Samples, double P50Ms, double P99Ms, double P999Ms, double MaxMs, IReadOnlyList<int> Histogram)
{
    /// <summary>Upper bounds of the histogram's buckets, in milliseconds; one more bucket holds everything above the last.</summary>
    public static readonly IReadOnlyList<double> BucketUpperBoundsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

    /// <summary>Summarizes <paramref name="latenciesMs"/> (any order).</summary>
    public static LatencySummary From(IEnumerable<double> latenciesMs)
    {
        var sorted = latenciesMs.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        var histogram = new int[BucketUpperBoundsMs.Count + 1];
        foreach (var latency in sorted)
        {
            var bucket = 0;
            while (bucket < BucketUpperBoundsMs.Count && latency > BucketUpperBoundsMs[bucket]) bucket++;
            histogram[bucket]++;
        }

        return new LatencySummary(sorted.Length, Percentile(0.50), Percentile(0.99), Percentile(0.999), Percentile(1), histogram);
    }

    /// <summary>The bucket's label, e.g. <c>≤ 5 ms</c> or <c>&gt; 2000 ms</c>.</summary>
    public static string BucketLabel(int bucket) => bucket < BucketUpperBoundsMs.Count
        ? "≤ " + BucketUpperBoundsMs[bucket].ToString(CultureInfo.InvariantCulture) + " ms"
        : "> " + BucketUpperBoundsMs[^1].ToString(CultureInfo.InvariantCulture) + " ms";

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms, p99.9 {P999Ms:F1} ms, max {MaxMs:F1} ms");
}
