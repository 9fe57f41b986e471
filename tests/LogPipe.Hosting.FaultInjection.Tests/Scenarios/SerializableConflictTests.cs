using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Serializable conflicts: two services — two consumer groups, each its own worker process — replicate the same topic
/// into the same PostgreSQL tables, so both upsert the same people rows (keyed by uuid, the apply counter incremented by
/// each), under SERIALIZABLE isolation. PostgreSQL aborts one of two conflicting transactions with a serialization failure
/// (SQLSTATE 40001), which Npgsql marks transient: the unit must be abandoned and retried, never counted against a record.
/// Judged: every record applied exactly once per group (each person's counter at 2 × its occurrences on the log), both groups' checkpoints at the log end, no
/// dead letters, and the serialization failures counted. CI: 2,000 records (200 people × 10); full: 20,000 (2,000 × 10).
/// </summary>
/// <remarks>
/// A database default (<c>default_transaction_isolation</c>) does not reach LogPipe's units: Npgsql begins a transaction
/// without a level as READ COMMITTED explicitly. The workers run with <c>--isolation serializable</c>, which sets
/// <c>LogPipe:UnitOfWork:IsolationLevel</c> to <c>Serializable</c>.
/// </remarks>
[Collection(ScenarioCollections.KinesisAndOutbox)]
public sealed class SerializableConflictTests(ITestOutputHelper output)
{
    private const int Partitions = 4;
    private const int Rounds = 10;

    [Fact]
    public async Task Two_groups_writing_the_same_rows_under_serializable_isolation_retry_their_serialization_failures_and_apply_every_record_once_per_group()
    {
        var records = FaultScale.Number("SERIALIZABLE_RECORDS", 2_000, 20_000);
        var topic = $"people-{Guid.NewGuid():N}";
        string[] groups = [$"billing-{Guid.NewGuid():N}", $"search-{Guid.NewGuid():N}"];
        var stopwatch = Stopwatch.StartNew();

        using var broker = await DevBroker.StartAsync(topic, Partitions);
        using var database = await ScenarioDatabase.PostgresAsync();
        await database.EnsureCreatedAsync();

        await using var producer = await ConsumerInstance.StartProducerAsync(broker.BootstrapServers, topic, groups[0], database.Database);

        // The log updates the same people again and again (each occurs Rounds times), so both services keep writing the
        // same rows at the same moments: the first round is there when they start, the others arrive while they run.
        var people = People.Many(records / Rounds);
        await producer.Sender.SendAsync(people);
        var workers = await Task.WhenAll(groups.Select(g => WorkerProcess.StartAsync(broker.BootstrapServers, topic, g, database.Database, "--isolation", "serializable", "--set", "LogPipe:UnitOfWork:MaxRecords=100")));
        try
        {
            for (var round = 1; round < Rounds; round++) await producer.Sender.SendAsync(people, first: round);
            var occurrences = people.ToDictionary(p => p.Uuid, _ => Rounds * groups.Length);
            ReplicaOutcome? outcome = null;
            var deadLetters = new Dictionary<string, int>();
            foreach (var group in groups)
            {
                outcome = await new Replica(database, broker.BootstrapServers, topic, Partitions, group).CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences, TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
                Assert.True(outcome.AtLogEnd, $"{group}: stored offsets are not at the log end. {outcome.Detail}");
                foreach (var (kind, count) in outcome.DeadLettered) deadLetters[kind] = deadLetters.GetValueOrDefault(kind) + count;
            }

            var stops = new List<WorkerStop>();
            foreach (var worker in workers) stops.Add(await WorkerProcess.TerminateAsync(worker, TimeSpan.FromSeconds(30)));
            var failures = stops.Sum(s => s.SerializationFailures);
            // Replica counts people applied more often than both groups together should; the exact count per person also
            // catches a group that lost what the other applied twice.
            var notExact = (await database.PeopleAsync()).Count(p => p.Applied != Rounds * groups.Length);
            new FaultFigures(
                "Two groups, same rows, serializable (PostgreSQL)",
                records,
                $"{groups.Length} groups upserting the same {people.Count:N0} people, each {Rounds} times, concurrently under SERIALIZABLE",
                outcome!.Lost,
                outcome.AppliedTwice,
                deadLetters,
                stopwatch.Elapsed)
            { Notes = $"{failures} serialization failures (40001) retried ({string.Join(" + ", stops.Select(s => s.SerializationFailures))} per group), {stops.Sum(s => s.Deadlocks)} deadlocks (40P01) retried; {notExact} people not at {Rounds} applies per group" }.Publish(output);

            Assert.All(stops, s => Assert.Equal(0, s.ExitCode));
            Assert.True(outcome.Lost == 0, $"{outcome.Lost} lost. {outcome.Detail}");
            Assert.True(outcome.AppliedTwice == 0, $"{outcome.AppliedTwice} applied more than once per group. {outcome.Detail}");
            Assert.True(notExact == 0, $"{notExact} people were not applied exactly {Rounds} times by each group");
            Assert.True(deadLetters.Count == 0, $"dead letters: {string.Join(", ", deadLetters.Select(d => $"{d.Key} {d.Value}"))}");
            Assert.True(failures > 0, "the two groups never conflicted: the scenario did not exercise serialization failures");
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
    }
}
