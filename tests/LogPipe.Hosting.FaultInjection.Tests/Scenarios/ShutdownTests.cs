using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;
using static LogPipe.Hosting.FaultInjection.Tests.Support.ShutdownRun;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Shutdown: the consumer worker process is stopped with SIGTERM — as a service manager or Kubernetes stops a service —
/// in the middle of a unit of work (saves slowed down so that units last seconds). Each stop must be clean — exit code
/// 0, every hosted service's loop finished — within the host's shutdown timeout, and a restart must apply everything
/// exactly once. CI: 3 stops over 5,000 records; full: 10 stops over 30,000. (Stops during a PostgreSQL outage:
/// <see cref="ShutdownDuringDatabaseOutageTests"/>.)
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(WorkerDatabase.Sqlite)]
    [InlineData(WorkerDatabase.Postgres)]
    public async Task A_consumer_stopped_with_SIGTERM_in_the_middle_of_a_unit_exits_cleanly_and_a_restart_applies_every_record_exactly_once(string provider)
    {
        var stops = FaultScale.Number("SIGTERM_STOPS", 3, 10);
        var records = FaultScale.Number("SIGTERM_RECORDS", 5_000, 30_000);
        var random = new Random(FaultScale.Seed);
        var stopwatch = Stopwatch.StartNew();
        await using var run = await ShutdownRun.StartAsync(provider, records);

        // 5 ms a save: a unit of 500 records takes 2.5 s, so a SIGTERM 0.2–2 s after a commit lands inside the next unit.
        var stopTimes = new List<TimeSpan>();
        for (var i = 0; i < stops; i++)
        {
            using var worker = await run.StartWorkerAsync("--save-delay-ms", "5");
            await run.WaitUntilApplyingAsync(worker);
            await Task.Delay(random.Next(200, 2000));
            var stop = await WorkerProcess.TerminateAsync(worker, StopPatience);
            output.WriteLine($"SIGTERM {i + 1}: stopped in {stop.Elapsed.TotalMilliseconds:F0} ms, exit code {stop.ExitCode}, {await run.Database.PeopleCountAsync()} people stored");
            stop.AssertCleanWithin(ShutdownTimeout);
            stopTimes.Add(stop.Elapsed);
        }

        await run.FinishAndJudgeAsync(
            $"SIGTERM in a unit ({provider})",
            $"{stops} × SIGTERM inside a unit of work (5 ms a save, 500 records a unit)",
            $"stop times {ShutdownRun.Describe(stopTimes)} (shutdown timeout {ShutdownTimeout.TotalSeconds:F0} s), every exit code 0",
            stopwatch,
            output);
    }
}
