using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Writer crash: the writing service — business transactions that each bump a person's version, record the change and
/// send it through the transactional outbox, plus the relay in the same process — is killed with SIGKILL at random moments
/// and restarted, again and again, while a LogPipe consumer with EF Core checkpoints replicates the topic. One transaction
/// in ten sends and then rolls back (or is never saved). Judged from the writer's committed changes, the log read with a
/// raw consumer, and the replica (<see cref="OutboxVerdict"/>). CI: 5 kills over 3,000 changes; full: 20 kills over
/// 100,000; on SQLite and PostgreSQL.
/// </summary>
[Collection(ScenarioCollections.KinesisAndOutbox)]
public sealed class OutboxWriterCrashTests(ITestOutputHelper output)
{
    private const int Partitions = 8;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_writer_killed_with_SIGKILL_again_and_again_puts_every_committed_change_on_the_log_once_applied_and_nothing_else(string provider)
    {
        var kills = FaultScale.Number("OUTBOX_CRASH_KILLS", 5, 20);
        var changes = FaultScale.Number("OUTBOX_CRASH_CHANGES", 3_000, 100_000);
        var people = FaultScale.Number("OUTBOX_PEOPLE", 300, 2_000);
        var random = new Random(FaultScale.Seed);
        var stopwatch = Stopwatch.StartNew();

        await using var scenario = await OutboxScenario.StartAsync(provider, people, Partitions);
        var crashes = new OutboxWriterCrashes(scenario.Writer, random, output);
        await crashes.WriteAndKillAsync(kills, changes, changes / (kills + 1), () => scenario.StartWriterAsync(changes));
        await scenario.FinishWritingAsync(changes, TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));

        var (verdict, replica) = await scenario.JudgeAsync(TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
        new FaultFigures(
            $"Outbox: writer crash ({provider})",
            verdict.Committed,
            crashes.Faults("the writer and its relay"),
            verdict.NotOnLog + verdict.Lost,
            verdict.AppliedTwice,
            replica.DeadLettered,
            stopwatch.Elapsed)
        {
            Notes = OutboxNotes.Of(verdict, scenario, crashes.BacklogAtKills),
        }.Publish(output);
        output.WriteLine(scenario.Consumer.Summary());
        verdict.AssertExactlyOnceInOrder();
        replica.AssertExactlyOnce();
    }
}
