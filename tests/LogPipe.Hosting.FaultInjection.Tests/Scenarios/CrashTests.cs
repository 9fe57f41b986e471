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
[Collection(ScenarioCollections.Kafka)]
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

        var crashes = new WorkerCrashes(database, random, output);
        await crashes.SendAndKillAsync(people, kills, sender, () => WorkerProcess.StartAsync(broker.BootstrapServers, topic, group, database.Database));

        using (var last = await WorkerProcess.StartAsync(broker.BootstrapServers, topic, group, database.Database))
        {
            var replica = new Replica(database, broker.BootstrapServers, topic, Partitions, group);
            var outcome = await replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
            Assert.Equal(0, await last.TerminateAsync(TimeSpan.FromSeconds(30)));
            new FaultFigures(
                $"Crash ({provider})",
                records,
                crashes.Faults,
                outcome.Lost,
                outcome.AppliedTwice,
                outcome.DeadLettered,
                stopwatch.Elapsed).Publish(output);
            outcome.AssertExactlyOnce();
        }
    }
}
