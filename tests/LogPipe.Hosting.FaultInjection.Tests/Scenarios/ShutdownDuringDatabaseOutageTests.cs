using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;
using static LogPipe.Hosting.FaultInjection.Tests.Support.ShutdownRun;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Shutdown while PostgreSQL is down: the consumer worker is stopped with SIGTERM while it retries a unit the outage
/// abandoned, and while it waits, freshly started, to read its checkpoints. Each stop must be clean within the host's
/// shutdown timeout, and a restart must apply everything exactly once. CI: 1 outage over 3,000 records; full: 3 over
/// 30,000. The scenarios stop the test PostgreSQL server, so they run alone.
/// </summary>
[Collection(ScenarioCollections.Alone)]
public sealed class ShutdownDuringDatabaseOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_consumer_stopped_with_SIGTERM_while_PostgreSQL_is_down_exits_cleanly_within_the_shutdown_timeout_and_a_restart_applies_every_record_exactly_once()
    {
        var outages = FaultScale.Number("SIGTERM_OUTAGES", 1, 3);
        var records = FaultScale.Number("SIGTERM_OUTAGE_RECORDS", 3_000, 30_000);
        var stopwatch = Stopwatch.StartNew();
        await using var run = await ShutdownRun.StartAsync(WorkerDatabase.Postgres, records);

        var stopTimes = new List<TimeSpan>();
        for (var k = 0; k < outages; k++)
        {
            using var worker = await run.StartWorkerAsync("--save-delay-ms", "2");
            await run.WaitUntilApplyingAsync(worker);

            // The worker was applying when the server went away: it abandons its unit (LogEvents.UnitAbandoned) and waits to retry.
            var stop = await WhilePostgresIsDownAsync(() => TerminateOnceLoggedAsync(worker, LogEvents.UnitAbandoned, "the worker noticed the outage (UnitAbandoned)"));
            output.WriteLine($"outage {k + 1}: stopped in {stop.Elapsed.TotalMilliseconds:F0} ms, exit code {stop.ExitCode}");
            stop.AssertCleanWithin(ShutdownTimeout);
            stopTimes.Add(stop.Elapsed);
        }

        await run.FinishAndJudgeAsync(
            "SIGTERM while PostgreSQL is down",
            $"{outages} × server down, SIGTERM to the worker retrying its unit",
            $"stop times {ShutdownRun.Describe(stopTimes)} (shutdown timeout {ShutdownTimeout.TotalSeconds:F0} s), every exit code 0",
            stopwatch,
            output);
    }

    /// <summary>
    /// A worker that starts while PostgreSQL is down has its partitions assigned and waits, inside the Kafka assignment
    /// callback, for their checkpoints (<see cref="LogEvents.CheckpointReadFailed"/>). That wait observes the stopping token: a SIGTERM ends it, the callback
    /// leaves without assigning the partitions from any position, and the worker exits cleanly, well within its shutdown
    /// timeout. A restart applies every record exactly once.
    /// </summary>
    [Fact]
    public async Task A_consumer_waiting_for_its_checkpoints_during_a_PostgreSQL_outage_exits_cleanly_well_within_the_shutdown_timeout_after_SIGTERM_and_a_restart_applies_every_record_exactly_once()
    {
        var outages = FaultScale.Number("SIGTERM_OUTAGES", 1, 3);
        var records = FaultScale.Number("SIGTERM_OUTAGE_RECORDS", 3_000, 30_000);
        var stopwatch = Stopwatch.StartNew();
        await using var run = await ShutdownRun.StartAsync(WorkerDatabase.Postgres, records);

        var stopTimes = new List<TimeSpan>();
        for (var k = 0; k < outages; k++)
        {
            using (var applying = await run.StartWorkerAsync("--save-delay-ms", "2"))
            {
                await run.WaitUntilApplyingAsync(applying);
                Assert.Equal(0, (await WorkerProcess.TerminateAsync(applying, StopPatience)).ExitCode);
            }

            var stop = await WhilePostgresIsDownAsync(async () =>
            {
                using var starting = await run.StartWorkerAsync();
                return await TerminateOnceLoggedAsync(starting, LogEvents.CheckpointReadFailed, "the new worker is waiting for its checkpoints (CheckpointReadFailed)");
            });
            output.WriteLine($"outage {k + 1}: stopped in {stop.Elapsed.TotalMilliseconds:F0} ms, exit code {stop.ExitCode}, '{stop.LastLine}'");

            // Half the timeout: a stop that merely beats the host's deadline would still mean the wait ignored the signal.
            stop.AssertCleanWithin(ShutdownTimeout / 2);
            stopTimes.Add(stop.Elapsed);
        }

        await run.FinishAndJudgeAsync(
            "SIGTERM while waiting for checkpoints, PostgreSQL down",
            $"{outages} × server down, SIGTERM to a worker started during the outage",
            $"stop times {ShutdownRun.Describe(stopTimes)} (shutdown timeout {ShutdownTimeout.TotalSeconds:F0} s), every exit code 0",
            stopwatch,
            output);
    }

    /// <summary>Stops PostgreSQL, runs <paramref name="during"/> while it is down, and starts it again.</summary>
    private static async Task<T> WhilePostgresIsDownAsync<T>(Func<Task<T>> during)
    {
        var restart = await PostgresServer.StopAsync();
        try
        {
            return await during();
        }
        finally
        {
            await restart();
        }
    }

    /// <summary>Sends SIGTERM once <paramref name="worker"/> has logged event <paramref name="eventId"/>; how it stopped.</summary>
    private static async Task<WorkerStop> TerminateOnceLoggedAsync(ChildProcess worker, int eventId, string because)
    {
        await Eventually.TrueAsync(() => worker.StandardError.Contains($"[{eventId}]", StringComparison.Ordinal), TimeSpan.FromSeconds(30), because);
        return await WorkerProcess.TerminateAsync(worker, StopPatience);
    }
}
