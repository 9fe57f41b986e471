using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Rebalance churn: three instances of one group on one PostgreSQL database, leaving and joining again and again while
/// records flow. Some joiners stall mid-unit past <c>max.poll.interval.ms</c>, so the group hands their partitions to
/// another member while they still hold applied-but-uncommitted records: their checkpoint writes must be fenced
/// (<see cref="LogEvents.CheckpointConflict"/>) and rolled back. Every record is applied exactly once. CI: 6 churn cycles over 6,000 records; full: 30
/// over 60,000.
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class RebalanceChurnTests(ITestOutputHelper output)
{
    private const int Partitions = 6;
    private const int Members = 3;

    [Fact]
    public async Task Three_instances_joining_and_leaving_repeatedly_apply_every_record_exactly_once()
    {
        var cycles = FaultScale.Number("CHURN_CYCLES", 6, 30);
        var records = FaultScale.Number("CHURN_RECORDS", 6_000, 60_000);
        var random = new Random(FaultScale.Seed);
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "postgres");
        var members = new ConsumerInstance[Members];
        for (var m = 0; m < Members; m++) members[m] = await scenario.ConsumerAsync($"member-{m}");
        var producer = await scenario.ProducerAsync();
        var people = People.Many(records);

        using var churning = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            var batches = people.Chunk(Math.Max(1, records / (cycles * 3))).ToList();
            for (var i = 0; i < batches.Count; i++)
            {
                await producer.Sender.SendAsync(batches[i], first: i * batches[0].Length);
                if (!churning.IsCancellationRequested) await Task.Delay(400); // pacing: records keep arriving while members come and go
            }
        });

        int leaves = 0, joins = 0, stalls = 0;
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var slot = random.Next(Members);
            await members[slot].StopAsync();
            leaves++;
            await Task.Delay(random.Next(200, 1500)); // a gap with two members, of random length
            if (cycle % 3 == 2)
            {
                // A joiner that stalls in its first save for longer than max.poll.interval.ms: a zombie in the making.
                using var gate = new SemaphoreSlim(0);
                var probe = new Probe { SaveGate = gate };
                members[slot] = await scenario.ConsumerAsync($"member-{slot}-{cycle}", new Dictionary<string, string?> { ["LogPipe:Kafka:Consumer:max.poll.interval.ms"] = "3000" }, probe);
                if (await Task.WhenAny(probe.GateReached.Task, Task.Delay(TimeSpan.FromSeconds(20))) == probe.GateReached.Task)
                {
                    await Task.Delay(TimeSpan.FromSeconds(4.5)); // past max.poll.interval.ms: the group moves on without it
                    stalls++;
                }

                probe.SaveGate = null;
                gate.Release(100_000);
            }
            else
            {
                members[slot] = await scenario.ConsumerAsync($"member-{slot}-{cycle}");
            }

            joins++;
            await Task.Delay(random.Next(500, 2500)); // a spell with three members, of random length
        }

        await churning.CancelAsync();
        await sending.WaitAsync(TimeSpan.FromMinutes(3));
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)]);
        var saves = scenario.Instances.Sum(i => i.Probe.Saves.Values.Sum());
        foreach (var member in scenario.Instances.Where(i => i.Name != "producer")) output.WriteLine(member.Summary());
        new FaultFigures(
            "Rebalance churn (3 members, PostgreSQL)",
            records,
            $"{leaves} leaves, {joins} joins, {stalls} joiners stalled 4.5 s (max.poll.interval.ms 3 s)",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{scenario.Count(LogEvents.CheckpointConflict)} checkpoint writes fenced (CheckpointConflict); {saves - records} saves discarded with their unit (fenced, or cut short by a leave); {scenario.Count(LogEvents.PartitionsRevoked)} revocations" }.Publish(output);
        outcome.AssertExactlyOnce();
    }
}
