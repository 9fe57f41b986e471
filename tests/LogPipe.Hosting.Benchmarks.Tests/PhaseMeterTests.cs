using System.Globalization;
using System.Text.RegularExpressions;
using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Benchmarks.Tests;

/// <summary>What <see cref="PhaseMeter"/> reports, checked against counts it does not take itself.</summary>
/// <remarks>Not beside the benchmark runs: on two busy cores the GC's heap count would hardly move.</remarks>
[Collection(nameof(BenchmarkSmokeTests))]
public sealed partial class PhaseMeterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Allocations_of_every_thread_are_counted_also_after_the_server_GC_changed_its_heap_count()
    {
        // Server GC with DATAS (its default since .NET 9), tuned to move its heap count often: a low target for the time
        // spent in GC adds heaps under a burst, small generation-0 budgets let it take them out again when quiet. Summing
        // the active heaps' counters (GC.GetTotalAllocatedBytes) lost a whole heap's count when one was taken out, and the
        // runtime never reports less than it reported before: a phase run on fewer heaps than the last one read 0 bytes.
        var result = await ChildProcess.RunAsync(
            ChildProcess.DotnetHost(),
            [Path.Combine(AppContext.BaseDirectory, "LogPipe.Hosting.Benchmarks.dll"), MeterCheck.Command],
            TimeSpan.FromMinutes(5),
            new ChildProcessOptions
            {
                CloseStandardInput = true,
                Environment = new Dictionary<string, string?>
                {
                    ["DOTNET_gcServer"] = "1",
                    ["DOTNET_GCDynamicAdaptationMode"] = "1",
                    ["DOTNET_GCDTargetTCP"] = "1",
                    ["DOTNET_GCgen0size"] = "0x100000",
                },
            });
        output.WriteLine(result.Output);

        // Whether DATAS took a heap out in time depends on the machine's load; the count must be right in both cases, and
        // the case that read 0 before the fix is the one where it did (the output says which it was).
        Assert.Equal(0, result.ExitCode);
        Assert.Matches("heap taken out: (yes|no)", result.StandardOutput);
        var match = Counts().Match(result.StandardOutput);
        Assert.True(match.Success, result.Output);
        var measured = long.Parse(match.Groups["measured"].Value, CultureInfo.InvariantCulture);
        var counted = long.Parse(match.Groups["counted"].Value, CultureInfo.InvariantCulture);
        Assert.True(counted > 5_000_000, $"the check allocated only {counted} bytes");
        // Before the fix: 0. The ticks count what the heaps handed out to threads, which includes what a collection (one
        // every 20 ms here) leaves unused at the end of each thread's allocation buffer, so a little more than the
        // threads' own exact counts.
        Assert.InRange(measured, counted * 9 / 10, counted * 2);
    }

    [GeneratedRegex(@"measured (?<measured>-?\d+) bytes, threads counted (?<counted>\d+) bytes")]
    private static partial Regex Counts();
}
