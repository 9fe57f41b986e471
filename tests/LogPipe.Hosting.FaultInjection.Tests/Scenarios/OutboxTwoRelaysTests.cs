using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Two relaying instances with kills: two processes of the writing service share one database, both write (often the same
/// people: a second writer of a person waits on its row lock, so the commit order of one person's changes is decided
/// across processes) and both run the relay, of which the lease lets one send at a time. One of them, chosen at random, is
/// killed with SIGKILL again and again and restarted; the other takes the lease over once the killed one's expires. Judged
/// by the per-person version counter on the log: every change's first record after its predecessor's, on one partition —
/// 0 out of order — and applied exactly once. CI: 4 kills over 3,000 changes; full: 20 over 100,000; SQLite and PostgreSQL.
/// </summary>
[Collection(ScenarioCollections.KinesisAndOutbox)]
public sealed class OutboxTwoRelaysTests(ITestOutputHelper output)
{
    private const int Partitions = 8;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Two_relaying_instances_killed_in_turn_keep_every_persons_changes_in_commit_order_on_the_log(string provider)
    {
        var kills = FaultScale.Number("OUTBOX_RELAYS_KILLS", 4, 20);
        var changes = FaultScale.Number("OUTBOX_RELAYS_CHANGES", 3_000, 100_000);
        var people = FaultScale.Number("OUTBOX_RELAYS_PEOPLE", 50, 500); // few people: the two writers often change the same one
        var random = new Random(FaultScale.Seed);
        var stopwatch = Stopwatch.StartNew();

        await using var scenario = await OutboxScenario.StartAsync(provider, people, Partitions);
        var crashes = new OutboxWriterCrashes(scenario.Writer, random, output);
        var writers = new ChildProcess[2];
        try
        {
            writers[0] = await scenario.StartWriterAsync(changes);
            writers[1] = await scenario.StartWriterAsync(changes);
            for (var kill = 0; kill < kills; kill++)
            {
                var victim = random.Next(2);
                await crashes.KillAsync(writers[victim], changes, changes / (kills + 1));
                writers[victim].Dispose();
                output.WriteLine($"kill {kill + 1} (writer {victim}): {await scenario.Writer.ChangeCountAsync()} changes committed, {await scenario.Writer.BacklogAsync()} not relayed");
                writers[victim] = await scenario.StartWriterAsync(changes);
            }

            await scenario.WaitForDrainedAsync(changes, TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2), () => writers[0].StandardError + writers[1].StandardError);
            foreach (var writer in writers)
            {
                var stop = await WorkerProcess.TerminateAsync(writer, TimeSpan.FromSeconds(30));
                Assert.True(stop.ExitCode == 0, $"a writer stopped with {stop.ExitCode}: {stop.LastLine}\n{stop.StandardError}");
            }
        }
        finally
        {
            foreach (var writer in writers) writer?.Dispose();
        }

        // Two writers overshoot the total together: one may commit a change after the drained check and stop before its
        // relay sent it. The entry is committed and waits in the outbox; a last writer (it commits nothing more) relays
        // whatever is left, as the next start of a service would, before the run is judged.
        await scenario.FinishWritingAsync(changes, TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));

        var (verdict, replica) = await scenario.JudgeAsync(TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
        new FaultFigures(
            $"Outbox: two relaying instances with kills ({provider})",
            verdict.Committed,
            crashes.Faults("one of two writers with relays"),
            verdict.NotOnLog + verdict.Lost,
            verdict.AppliedTwice,
            replica.DeadLettered,
            stopwatch.Elapsed)
        {
            Notes = OutboxNotes.Of(verdict, scenario, crashes.BacklogAtKills),
        }.Publish(output);
        Assert.Equal(0, verdict.OutOfOrder);
        verdict.AssertExactlyOnceInOrder();
        replica.AssertExactlyOnce();
    }
}
