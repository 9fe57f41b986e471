using System.Diagnostics;

namespace LogPipe.Sample.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task The_demo_replicates_every_person_exactly_once_through_the_embedded_broker_and_exits_zero()
    {
        // Run the sample as users do: its own process, its own appsettings.json, the embedded broker and SQLite.
        var sample = Path.Combine(AppContext.BaseDirectory, "LogPipe.Sample.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in new[] { sample, "demo", "--count", "500", "--timeout", "120" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Matches(@"replicated 500/500 people in [0-9.]+ s \([0-9]+ records/s\)", output);
        Assert.Contains("each person applied exactly once", output, StringComparison.Ordinal);
        Assert.Contains("DEVELOPMENT ONLY", output, StringComparison.Ordinal);
    }
}
