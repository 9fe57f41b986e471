using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker.Outbox;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Broker down while writers commit: writers in this process commit business transactions through the outbox at a steady
/// rate; after a calm spell every broker of the embedded cluster goes down for as long again. The writers must not notice
/// (their commit latency during the outage is that of the calm spell, within noise), the backlog must grow while the
/// brokers are down and drain once they are back, and the consumer must apply every committed change exactly once.
/// CI: 5 s calm and 5 s outage at 40 transactions/s; full: 30 s each. <c>LOGPIPE_FAULTS_OUTBOX_OUTAGE_DATABASE=postgres</c>
/// runs it on PostgreSQL.
/// </summary>
[Collection(ScenarioCollections.Alone)]
public sealed class OutboxBrokerOutageTests(ITestOutputHelper output)
{
    private const int Partitions = 6;

    [Fact]
    public async Task All_brokers_down_while_writers_commit_leaves_commit_latency_unchanged_and_the_backlog_drains_with_nothing_lost()
    {
        var outage = TimeSpan.FromSeconds(FaultScale.Number("OUTBOX_OUTAGE_SECONDS", 5, 30));
        // A rate the database sustains with the relay deleting beside the writers (SQLite's writers take turns), so that
        // what is timed is each commit, not a queue of them.
        var rate = FaultScale.Number("OUTBOX_OUTAGE_RATE", 40, 40);
        var provider = FaultScale.Text("OUTBOX_OUTAGE_DATABASE", "sqlite");
        var stopwatch = Stopwatch.StartNew();

        await using var scenario = await OutboxScenario.StartAsync(provider, people: 500, Partitions);
        await using var writer = await scenario.StartWriterInProcessAsync(new OutboxWriterSettings
        {
            Writers = 2,
            Rate = rate,
            RollbackEvery = OutboxScenario.RollbackEvery,
            RecordLatencies = true,
        });
        writer.StartWriting();
        await Eventually.TrueAsync(() => writer.Writer.Committed >= rate * 2, TimeSpan.FromSeconds(60), "the writers commit (their first commits, compiling, are not timed)");

        // As long calm as down: the commits of the calm spell are the baseline.
        var calmFrom = Stopwatch.GetTimestamp();
        await Task.Delay(outage); // a span of writing, not a condition
        var downFrom = Stopwatch.GetTimestamp();
        await scenario.Log.AllBrokersDownAsync(outage);
        var upFrom = Stopwatch.GetTimestamp();
        var backlogAtRecovery = await scenario.Writer.BacklogAsync();
        await writer.StopWritingAsync();
        var committed = await scenario.Writer.ChangeCountAsync();
        await scenario.WaitForDrainedAsync(committed, TimeSpan.FromMinutes(2), () => "the relay catches up after the outage: " + writer.Logs.Entries.LastOrDefault(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning)?.Message);
        var drained = Stopwatch.GetElapsedTime(upFrom);

        var calm = Percentiles.Of(writer.Writer.Latencies.Where(l => l.Start >= calmFrom && l.Start < downFrom).Select(l => l.Milliseconds));
        var down = Percentiles.Of(writer.Writer.Latencies.Where(l => l.Start >= downFrom && l.Start < upFrom).Select(l => l.Milliseconds));
        var (verdict, replica) = await scenario.JudgeAsync();
        new FaultFigures(
            $"Outbox: all brokers down while writers commit ({provider})",
            verdict.Committed,
            $"3 of 3 brokers down {outage.TotalSeconds:F0} s, writers at {rate} transactions/s",
            verdict.NotOnLog + verdict.Lost,
            verdict.AppliedTwice,
            replica.DeadLettered,
            stopwatch.Elapsed)
        {
            Notes = string.Create(
                CultureInfo.InvariantCulture,
                $"commit latency p50/p99 {calm.P50:F1}/{calm.P99:F1} ms before, {down.P50:F1}/{down.P99:F1} ms during the outage ({calm.Count}/{down.Count} transactions); "
                + $"backlog {backlogAtRecovery:N0} at recovery, drained in {drained.TotalSeconds:F1} s; ")
                + OutboxNotes.Of(verdict, scenario, 0),
        }.Publish(output);

        Assert.True(backlogAtRecovery > 0, "the outage did not hold anything back: the relay must have found no broker to send to");
        Assert.True(down.Count >= calm.Count * 8 / 10, $"writers were slowed down by the outage: {down.Count} transactions during it against {calm.Count} before");
        // Within noise on a shared 2-core machine: the median may not double (plus a millisecond of timer granularity).
        Assert.True(down.P50 <= (calm.P50 * 2) + 1, $"commit latency p50 {down.P50:F1} ms during the outage against {calm.P50:F1} ms before");
        verdict.AssertExactlyOnceInOrder();
        replica.AssertExactlyOnce();
    }
}
