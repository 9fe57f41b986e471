using System.Globalization;
using System.Reflection;
using LogPipe.Hosting.Benchmarks.Kafka;
using LogPipe.Hosting.Benchmarks.Kinesis;
using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Hosting.Benchmarks.Reporting;

namespace LogPipe.Hosting.Benchmarks;

/// <summary>
/// The benchmark's entry: parses the command line, runs the selected phases of one mode, prints the table and writes the
/// results JSON and chart (and, with <c>--publish</c>, copies both into docs/). Callable in-process, as the tests do.
/// </summary>
public static class BenchmarkCommand
{
    /// <summary>The repository this build came from (where artifacts/ and docs/ are).</summary>
    public static string RepositoryRoot =>
        typeof(BenchmarkCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Runs the benchmark; output goes to <paramref name="output"/>.</summary>
    public static async Task<BenchmarkOutcome> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var options = BenchmarkOptions.Parse(args, out var error);
        if (options is null)
        {
            await output.WriteLineAsync((error is null ? "" : error + Environment.NewLine + Environment.NewLine) + BenchmarkOptions.Usage).ConfigureAwait(false);
            return new BenchmarkOutcome(error is null ? 0 : 2, [], "", null, null);
        }

        var outputDirectory = Path.GetFullPath(Path.IsPathRooted(options.OutputDirectory) ? options.OutputDirectory : Path.Combine(RepositoryRoot, options.OutputDirectory));
        Directory.CreateDirectory(outputDirectory);
        var workDirectory = Path.Combine(outputDirectory, "work-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDirectory);

        IReadOnlyList<PhaseResult> results;
        IReadOnlyDictionary<string, string> facts;
        IReadOnlyList<RepeatedRatios> repeats = [];
        try
        {
            if (options.Mode == "kafka")
            {
                var kafka = new KafkaBenchmark(options, output, workDirectory);
                results = await kafka.RunAsync(cancellationToken).ConfigureAwait(false);
                facts = kafka.Facts;
                if (options.Repeat > 1) repeats = RepeatedRatios.Of(kafka.Runs);
            }
            else
            {
                var kinesis = new KinesisBenchmark(options, output, workDirectory);
                results = await kinesis.RunAsync(cancellationToken).ConfigureAwait(false);
                facts = kinesis.Facts;
            }
        }
        finally
        {
            Directory.Delete(workDirectory, recursive: true);
        }

        var table = ResultTable.Format(results);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{options.Mode}, {options.Count:N0} records per phase, {Environment.ProcessorCount} cores")).ConfigureAwait(false);
        await output.WriteLineAsync(table).ConfigureAwait(false);
        if (repeats.Count > 0)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{options.Repeat} measured runs (the table is the last), ratio to the baseline in each:")).ConfigureAwait(false);
            await output.WriteLineAsync(RepeatedRatios.Format(repeats)).ConfigureAwait(false);
        }


        var resultsFile = Path.Combine(outputDirectory, $"performance-{options.Mode}.json");
        var chartFile = Path.Combine(outputDirectory, $"performance-{options.Mode}.png");
        await ResultFile.WriteAsync(resultsFile, options, facts, results, cancellationToken).ConfigureAwait(false);
        ResultChart.Write(chartFile, string.Create(CultureInfo.InvariantCulture, $"LogPipe vs raw {(options.Mode == "kafka" ? "Confluent.Kafka" : "Kinesis client")}, {options.Count:N0} records, {Environment.ProcessorCount} cores"), results);
        await output.WriteLineAsync($"results: {resultsFile}{Environment.NewLine}chart:   {chartFile}").ConfigureAwait(false);
        var latencyChartFile = Path.Combine(outputDirectory, $"performance-{options.Mode}-latency.png");
        var hasLatency = ResultChart.WriteLatency(latencyChartFile, string.Create(CultureInfo.InvariantCulture, $"LogPipe end to end on the development broker, {Environment.ProcessorCount} cores"), results);
        if (hasLatency) await output.WriteLineAsync($"latency: {latencyChartFile}").ConfigureAwait(false);
        if (options.Publish)
        {
            var docs = Path.Combine(RepositoryRoot, "docs");
            File.Copy(resultsFile, Path.Combine(docs, Path.GetFileName(resultsFile)), overwrite: true);
            File.Copy(chartFile, Path.Combine(docs, Path.GetFileName(chartFile)), overwrite: true);
            if (hasLatency) File.Copy(latencyChartFile, Path.Combine(docs, Path.GetFileName(latencyChartFile)), overwrite: true);
            await output.WriteLineAsync($"published to {docs}").ConfigureAwait(false);
        }

        // A row that is expected not to run (a transport not merged yet) carries a note and no problem.
        var complete = results.All(r => r.IsComplete(options.Count) || (r.Measurement is null && r.Problem is null));
        return new BenchmarkOutcome(complete ? 0 : 1, results, table, resultsFile, chartFile) { LatencyChartFile = hasLatency ? latencyChartFile : null, Repeats = repeats };
    }
}
