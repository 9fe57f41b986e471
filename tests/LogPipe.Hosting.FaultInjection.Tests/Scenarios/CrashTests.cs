using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Crash: the consumer worker process — LogPipe on Kafka, EF Core checkpoints — is killed with SIGKILL at random
/// moments and restarted, again and again, while the development broker runs in a process of its own. CI: 5 kills over
/// 5,000 records; <c>LOGPIPE_FAULTS_SCALE=full</c>: 20 kills over 100,000. <c>LOGPIPE_FAULTS_CRASH_DATABASE=postgres</c>
/// runs it on PostgreSQL instead of a SQLite file.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Partitions = 8;

    [Fact]
    public async Task A_consumer_killed_with_SIGKILL_again_and_again_applies_every_record_exactly_once()
    {
        var kills = FaultScale.Number("CRASH_KILLS", 5, 20);
        var records = FaultScale.Number("CRASH_RECORDS", 5_000, 100_000);
        var provider = FaultScale.Text("CRASH_DATABASE", "sqlite");
        var random = new Random(FaultScale.Seed);
        var topic = $"people-{Guid.NewGuid():N}";
        var group = $"crash-{Guid.NewGuid():N}";
        var stopwatch = Stopwatch.StartNew();

        using var broker = await DevBroker.StartAsync(topic, Partitions);
        using var database = await ScenarioDatabase.CreateAsync(provider);
        await database.EnsureCreatedAsync();
        await using var producer = await ConsumerInstance.StartProducerAsync(broker.BootstrapServers, topic, group, database.Database);
        var sender = producer.Sender;
        var people = People.Many(records);

        // Records arrive in kills + 1 batches, one before each worker start, so every worker has a backlog to be killed in.
        var batches = people.Chunk((records + kills) / (kills + 1)).ToList();
        int killedWhileApplying = 0, killedWhileStarting = 0;
        for (var kill = 0; kill < kills; kill++)
        {
            await sender.SendAsync(batches.ElementAtOrDefault(kill) ?? [], first: kill * batches[0].Length);
            using var worker = await WorkerProcess.StartAsync(broker.BootstrapServers, topic, group, database.Database);

            // One kill in five lands while the worker joins the group and reads its checkpoints; the others while it
            // applies records, a random time after its first commit.
            if (random.Next(5) == 0)
            {
                await Task.Delay(random.Next(0, 2500));
                killedWhileStarting++;
            }
            else
            {
                var before = await database.PeopleCountAsync();
                await Eventually.TrueAsync(async () => worker.HasExited || await database.PeopleCountAsync() > before, TimeSpan.FromSeconds(60), "the worker applies records");
                Assert.False(worker.HasExited, "the worker exited by itself: " + worker.StandardError);
                await Task.Delay(random.Next(0, 3000)); // spans several units of work (up to 1 s each)
                killedWhileApplying++;
            }

            await worker.KillHardAsync();
            output.WriteLine($"kill {kill + 1}: {await database.PeopleCountAsync()} people stored");
        }

        foreach (var batch in batches.Skip(kills)) await sender.SendAsync(batch, first: people.IndexOf(batch[0]));
        Assert.Equal(records, sender.Delivered);
        using (var last = await WorkerProcess.StartAsync(broker.BootstrapServers, topic, group, database.Database))
        {
            var replica = new Replica(database, broker.BootstrapServers, topic, Partitions, group);
            var outcome = await replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
            Assert.Equal(0, await last.TerminateAsync(TimeSpan.FromSeconds(30)));
            new FaultFigures(
                $"Crash ({provider})",
                records,
                $"{kills} × SIGKILL ({killedWhileApplying} while applying, {killedWhileStarting} while starting)",
                outcome.Lost,
                outcome.AppliedTwice,
                outcome.DeadLettered,
                stopwatch.Elapsed).Publish(output);
            outcome.AssertExactlyOnce();
        }
    }
}
