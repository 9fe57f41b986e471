namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>The median and 99th percentile of some durations, in milliseconds, and how many there were.</summary>
public readonly record struct Percentiles(int Count, double P50, double P99)
{
    /// <summary>Nearest-rank percentiles of <paramref name="milliseconds"/>; zeros when there are none.</summary>
    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0) return new Percentiles(0, 0, 0);
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, Rank(0.50), Rank(0.99));
    }
}
