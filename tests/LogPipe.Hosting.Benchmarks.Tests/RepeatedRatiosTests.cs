using LogPipe.Hosting.Benchmarks.Measurement;

namespace LogPipe.Hosting.Benchmarks.Tests;

/// <summary>The median of several measured runs, which the producer targets are judged by.</summary>
public sealed class RepeatedRatiosTests
{
    private static readonly PhaseDefinition Raw = new("produce-raw", "raw", null);
    private static readonly PhaseDefinition Batch = new("produce-batch", "batch", "produce-raw");
    private static readonly PhaseDefinition Latency = new("latency-1000-sqlite", "latency", null) { Paced = true };

    [Theory]
    [InlineData(new[] { 0.91 }, 0.91)]
    [InlineData(new[] { 1.09, 0.91, 0.73, 0.95, 1.13 }, 0.95)]
    [InlineData(new[] { 0.9, 1.2, 0.8, 1.0 }, 0.95)]
    public void Median_is_the_middle_ratio_of_an_odd_count_and_the_mean_of_the_middle_two_of_an_even_count(double[] ratios, double median)
    {
        Assert.Equal(median, RepeatedRatios.MedianOf(ratios)!.Value, 10);
    }

    [Fact]
    public void Median_of_no_ratios_is_none()
    {
        Assert.Null(RepeatedRatios.MedianOf([]));
    }

    [Fact]
    public void Each_phase_with_a_baseline_gets_its_ratio_from_every_run_in_run_order()
    {
        var pairs = RepeatedRatios.Of([Run(1.0), Run(0.8), Run(1.2)]);

        var pair = Assert.Single(pairs); // baselines and paced phases have no ratio to summarize
        Assert.Equal(("produce-batch", "produce-raw"), (pair.Phase, pair.Baseline));
        Assert.Equal([1.0, 0.8, 1.2], pair.Ratios);
        Assert.Equal(1.0, pair.Median);
        Assert.Contains("produce-batch / produce-raw: median 1.00× of 3 runs (1.00×, 0.80×, 1.20×)", RepeatedRatios.Format(pairs), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_where_a_side_failed_gives_no_ratio_and_the_summary_says_so()
    {
        var failed = new List<PhaseResult>(Run(0.5)) { [1] = new PhaseResult(Batch, Measurement(), 0.5, null, "3 deliveries failed") };
        var noBaseline = new List<PhaseResult>(Run(0.5)) { [1] = new PhaseResult(Batch, Measurement(), null, null, null) };

        var pair = Assert.Single(RepeatedRatios.Of([Run(0.9), failed, noBaseline, Run(1.1)]));

        Assert.Equal([0.9, 1.1], pair.Ratios);
        Assert.Equal(1.0, pair.Median!.Value, 10);
        Assert.Contains("median 1.00× of 2 runs (0.90×, 1.10×); 2 run(s) without a ratio", RepeatedRatios.Format([pair]), StringComparison.Ordinal);
    }

    private static List<PhaseResult> Run(double ratio) =>
    [
        new(Raw, Measurement(), 1.0, null, null),
        new(Batch, Measurement(), ratio, null, null),
        new(Latency, Measurement(), null, null, null),
    ];

    private static PhaseMeasurement Measurement() => new(1000, TimeSpan.FromSeconds(1), 1, 1, 0, 0, 0, 1, TimeSpan.FromSeconds(1));
}
