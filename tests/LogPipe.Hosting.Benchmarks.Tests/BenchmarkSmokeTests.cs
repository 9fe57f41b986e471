using LogPipe.Hosting.Benchmarks.Kafka;
using LogPipe.Hosting.Benchmarks.Kinesis;
using LogPipe.Hosting.Benchmarks.Measurement;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Benchmarks.Tests;

/// <summary>
/// The benchmark program, run in-process with a tiny count the way CI would run it: every phase must run, move every record
/// and report a rate. Rates are not compared with anything (no timing assertions on a shared 2-core machine).
/// </summary>
[Collection(nameof(BenchmarkSmokeTests))]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output) : IDisposable
{
    // Two units of work (500 records each by default) per phase: enough to prove every phase moves every record across a
    // unit boundary; the rates are not judged, so more records only made the run longer.
    private const int Count = 1000;

    private readonly string _outputDirectory = Path.Combine(Path.GetTempPath(), "logpipe-bench-test-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Kafka_mode_measures_every_phase_and_writes_table_json_and_chart()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", $"{Count}", "--phases", "all", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(KafkaBenchmark.Phases.Select(p => p.Name), outcome.Results.Select(r => r.Phase.Name));
        Assert.All(outcome.Results, r =>
        {
            Assert.True(r.IsComplete(Count), $"{r.Phase.Name}: {r.Measurement?.Records} records, problem: {r.Problem}");
            Assert.True(r.Measurement!.RecordsPerSecond > 0, r.Phase.Name);
            Assert.True(r.Measurement.PeakWorkingSetBytes > 0, r.Phase.Name);
            Assert.True(r.Phase.Paced || r.Ratio is not null, $"{r.Phase.Name} has no ratio to its baseline");
            Assert.Contains($"`{r.Phase.Name}`", outcome.Table, StringComparison.Ordinal);
        });
        // LogPipe's consumer rows say how much of a unit's time its commit took (from LogPipe's own histograms).
        Assert.All(outcome.Results.Where(r => r.Phase.Name.StartsWith("consume-noop", StringComparison.Ordinal)), r =>
            Assert.Matches(@"commit [0-9.]+ ms a unit, [0-9]+ % of a unit's time", r.Note));
        Assert.True(File.Exists(outcome.ResultsFile));
        Assert.True(new FileInfo(outcome.ChartFile!).Length > 0);
    }

    [Fact]
    public async Task Outbox_phases_time_the_writer_transaction_against_the_plain_one_the_relay_against_the_raw_producer_and_commit_to_log_latency()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", "300", "--warm-up", "0", "--phases", "produce-raw,outbox", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        // "produce-raw" selects its concurrent sibling too (a name selects the phases it is a prefix of).
        Assert.Equal(["produce-raw", "produce-raw-concurrent", .. OutboxPhases.Phases.Select(p => p.Name)], outcome.Results.Select(r => r.Phase.Name));
        var rows = outcome.Results.ToDictionary(r => r.Phase.Name);
        Assert.All(outcome.Results, r => Assert.True(r.IsComplete(300), $"{r.Phase.Name}: {r.Measurement?.Records} records, problem: {r.Problem}"));
        foreach (var database in new[] { "sqlite", "postgres" })
        {
            Assert.NotNull(rows[$"outbox-write-{database}"].Ratio);
            Assert.NotNull(rows[$"outbox-relay-{database}"].Ratio);
            Assert.Matches(@"commit-to-log p50 [0-9.]+ ms, p99 [0-9.]+ ms", rows[$"outbox-latency-{database}"].Note);
        }

        // A paced phase's rate is its input: the table compares it with nothing.
        Assert.Matches(@"`outbox-latency-sqlite` *\| *300 \| *[0-9,]+ \| *— \|", outcome.Table);
        Assert.Null(rows["outbox-latency-sqlite"].Ratio);
    }

    [Fact]
    public async Task Latency_phases_report_send_to_commit_percentiles_and_a_histogram_and_start_up_the_time_to_the_first_record()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", "300", "--warm-up", "0", "--phases", "latency,startup", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(LatencyPhases.Phases.Select(p => p.Name), outcome.Results.Select(r => r.Phase.Name));
        var rows = outcome.Results.ToDictionary(r => r.Phase.Name);
        foreach (var phase in new[] { "latency-1000-sqlite", "latency-10000-sqlite", "latency-1000-postgres" })
        {
            var row = rows[phase];
            Assert.True(row.IsComplete(300), $"{phase}: {row.Measurement?.Records} records, problem: {row.Problem}");
            Assert.Matches(@"send to commit p50 [0-9.]+ ms, p99 [0-9.]+ ms, p99\.9 [0-9.]+ ms, max [0-9.]+ ms", row.Note);
            var latency = Assert.IsType<LatencySummary>(row.Latency);
            Assert.Equal(300, latency.Samples);
            Assert.Equal(300, latency.Histogram.Sum());
            Assert.True(latency.P50Ms <= latency.P99Ms && latency.P99Ms <= latency.P999Ms && latency.P999Ms <= latency.MaxMs, latency.ToString());
            Assert.Null(row.Ratio);
        }

        var startUp = rows["startup-sqlite"];
        Assert.True(startUp.IsComplete(300), startUp.Problem);
        Assert.Matches(@"first record applied [0-9,]+ ms after host start", startUp.Note);
        Assert.True(new FileInfo(outcome.LatencyChartFile!).Length > 0);
        Assert.Contains("\"latency\"", await File.ReadAllTextAsync(outcome.ResultsFile!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phase_filter_runs_only_those_phases_and_fills_the_topic_for_consumers_itself()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", "500", "--phases", "consume-raw,consume-noop-sqlite", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["consume-raw", "consume-noop-sqlite"], outcome.Results.Select(r => r.Phase.Name));
        Assert.All(outcome.Results, r => Assert.True(r.IsComplete(500), r.Problem));
        // Each selected phase first runs unmeasured on topics of its own, so the measured pass compares warm code.
        Assert.Contains("seeding 'warm-up-people' with 500 records", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains("seeding 'people' with 500 records", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeat_measures_the_selected_phases_that_many_times_on_topics_of_their_own_and_prints_each_ratio_and_the_median()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", "300", "--warm-up", "100", "--repeat", "3", "--phases", "produce-raw,produce-batch", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        var pair = Assert.Single(outcome.Repeats);
        Assert.Equal(("produce-batch", "produce-raw"), (pair.Phase, pair.Baseline));
        Assert.Equal(3, pair.Ratios.Count);
        Assert.All(pair.Ratios, r => Assert.True(r > 0));
        Assert.Equal(RepeatedRatios.MedianOf(pair.Ratios), pair.Median);
        Assert.Contains("measured run 3 of 3", writer.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"produce-batch / produce-raw: median [0-9.]+× of 3 runs \([0-9.]+×, [0-9.]+×, [0-9.]+×\)", writer.ToString());
    }

    [Fact]
    public async Task Warm_up_zero_measures_cold_and_a_smaller_warm_up_uses_fewer_records()
    {
        var cold = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", "300", "--warm-up", "0", "--phases", "consume-raw", "--output", _outputDirectory], cold, CancellationToken.None);
        Assert.Equal(0, outcome.ExitCode);
        Assert.DoesNotContain("warm-up: every selected phase", cold.ToString(), StringComparison.Ordinal);

        var warm = new StringWriter();
        outcome = await BenchmarkCommand.RunAsync(["kafka", "--count", "300", "--warm-up", "100", "--phases", "consume-raw", "--output", _outputDirectory], warm, CancellationToken.None);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("seeding 'warm-up-people' with 100 records", warm.ToString(), StringComparison.Ordinal);
        Assert.True(Assert.Single(outcome.Results).IsComplete(300));
    }

    [Fact]
    public async Task Kinesis_mode_measures_the_raw_client_and_marks_LogPipe_rows_it_cannot_run()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kinesis", "--count", "1000", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(KinesisBenchmark.Phases.Select(p => p.Name), outcome.Results.Select(r => r.Phase.Name));
        foreach (var row in outcome.Results)
        {
            Assert.True(row.IsComplete(1000), $"{row.Phase.Name}: {row.Problem}");
            Assert.True(row.Measurement!.RecordsPerSecond > 0);
        }
    }

    [Fact]
    public async Task Kinesis_mode_measures_three_instances_sharing_leases_against_one_on_the_same_stream()
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(["kinesis", "--count", "1000", "--warm-up", "0", "--phases", "consume-noop-sqlite", "--output", _outputDirectory], writer, CancellationToken.None);
        output.WriteLine(writer.ToString());

        Assert.Equal(0, outcome.ExitCode);
        // "consume-noop-sqlite" selects the phase it is a prefix of: one instance, then three.
        Assert.Equal(["consume-noop-sqlite", KinesisBenchmark.ThreeInstancesPhase], outcome.Results.Select(r => r.Phase.Name));
        Assert.All(outcome.Results, r => Assert.True(r.IsComplete(1000), $"{r.Phase.Name}: {r.Measurement?.Records} records, problem: {r.Problem}"));
        var three = outcome.Results[1];
        Assert.NotNull(three.Ratio); // three instances' rate over one's
        Assert.Contains("3 hosts in one process", three.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kafka", "--count", "0")]
    [InlineData("kafka", "--phases")]
    [InlineData("rabbitmq")]
    [InlineData("kafka", "--broker", "docker")]
    [InlineData("kafka", "--warm-up", "some")]
    [InlineData("kafka", "--repeat", "0")]
    [InlineData("kinesis", "--repeat", "3")]
    public async Task Bad_arguments_print_the_usage_and_exit_2(params string[] args)
    {
        var writer = new StringWriter();
        var outcome = await BenchmarkCommand.RunAsync(args, writer, CancellationToken.None);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("Usage:", writer.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_outputDirectory)) Directory.Delete(_outputDirectory, recursive: true);
    }
}
