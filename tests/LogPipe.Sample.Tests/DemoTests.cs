using LogPipe.Hosting.TestSupport;

namespace LogPipe.Sample.Tests;

public sealed class DemoTests
{
    private static async Task<string> RunDemoAsync(params string[] arguments)
    {
        // Run the sample as users do: its own process, its own appsettings.json.
        using var demo = ChildProcess.StartDotnet("LogPipe.Sample.dll", ["demo", .. arguments], new ChildProcessOptions { WorkingDirectory = Path.GetTempPath() });
        var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(3));
        var output = demo.StandardOutput + demo.StandardError;
        Assert.True(exitCode == 0, output);
        Assert.Contains("each person applied exactly once", output, StringComparison.Ordinal);
        return output;
    }

    [Fact]
    public async Task The_demo_replicates_every_person_exactly_once_through_the_embedded_broker_and_exits_zero()
    {
        var output = await RunDemoAsync("--count", "500", "--timeout", "120");
        Assert.Matches(@"replicated 500/500 people in [0-9.]+ s \([0-9]+ records/s\)", output);
        Assert.Contains("DEVELOPMENT ONLY", output, StringComparison.Ordinal);
        Assert.Contains("sending them through the outbox", output, StringComparison.Ordinal);
        Assert.Contains("every change went through the outbox, which is empty", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_with_no_outbox_sends_directly_and_the_stored_offsets_reach_the_log_end_its_sends_reported()
    {
        var output = await RunDemoAsync("--count", "500", "--timeout", "120", "--no-outbox");
        Assert.Contains("directly to 'people' (--no-outbox)", output, StringComparison.Ordinal);
        Assert.Matches(@"replicated 500/500 people in [0-9.]+ s", output);
        Assert.Contains("stored offsets equal the log end of", output, StringComparison.Ordinal);
        Assert.DoesNotContain("outbox, which is empty", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_runs_on_kinesis_by_configuration_against_kinesalite()
    {
        await using var kinesalite = await KinesaliteHost.StartAsync();
        // Direct sends: their positions give the end of every shard, which the stored checkpoints must reach.
        var output = await RunDemoAsync(
            "--count", "300", "--timeout", "120", "--no-outbox",
            "--LogPipe:Transport", "Kinesis",
            "--LogPipe:Kinesis:ServiceUrl", kinesalite.ServiceUrl.GetLeftPart(UriPartial.Authority),
            "--LogPipe:Kinesis:Region", "us-east-1",
            "--LogPipe:Kinesis:AccessKey", "local",
            "--LogPipe:Kinesis:SecretKey", "local");
        Assert.Matches(@"replicated 300/300 people in [0-9.]+ s", output);
        Assert.Contains("log end of 4 partitions", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_kinesis_demo_run_twice_against_the_same_kinesalite_judges_only_its_own_run_and_passes_both_times()
    {
        await using var kinesalite = await KinesaliteHost.StartAsync();
        string[] arguments =
        [
            "--count", "300", "--timeout", "120",
            "--LogPipe:Transport", "Kinesis",
            "--LogPipe:Kinesis:ServiceUrl", kinesalite.ServiceUrl.GetLeftPart(UriPartial.Authority),
            "--LogPipe:Kinesis:Region", "us-east-1",
            "--LogPipe:Kinesis:AccessKey", "local",
            "--LogPipe:Kinesis:SecretKey", "local",
        ];

        var first = await RunDemoAsync(arguments);
        var second = await RunDemoAsync(arguments);

        Assert.Matches(@"replicated 300/300 people in [0-9.]+ s", first);
        Assert.DoesNotContain("earlier runs", first, StringComparison.Ordinal);
        // The stream still holds the first run's 300 people; the second run applies them to its fresh database but
        // counts only its own.
        Assert.Matches(@"replicated 300/300 people in [0-9.]+ s", second);
        Assert.Contains("also applied 300 people of earlier runs", second, StringComparison.Ordinal);
    }
}
