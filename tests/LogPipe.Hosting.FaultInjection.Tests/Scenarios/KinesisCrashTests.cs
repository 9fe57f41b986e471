using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Crash on Kinesis: the consumer worker process — LogPipe on Kinesis, EF Core checkpoints — is killed with SIGKILL at
/// random moments and restarted, again and again, while kinesalite runs in a Node process of its own and a fault proxy
/// between every client and kinesalite throws throttling storms at the producer and the consumer and expires the
/// consumer's iterators. CI: 3 kills over 3,000 records; <c>LOGPIPE_FAULTS_SCALE=full</c>: 20 kills over 100,000.
/// <c>LOGPIPE_FAULTS_KINESIS_CRASH_DATABASE=postgres</c> runs it on PostgreSQL instead of a SQLite file.
/// </summary>
[Collection(ScenarioCollections.KinesisAndOutbox)]
public sealed class KinesisCrashTests(ITestOutputHelper output)
{
    private const int Shards = 4;

    [Fact]
    public async Task A_Kinesis_consumer_killed_with_SIGKILL_in_throttling_storms_and_expiring_iterators_applies_every_record_exactly_once()
    {
        var kills = FaultScale.Number("KINESIS_CRASH_KILLS", 3, 20);
        var records = FaultScale.Number("KINESIS_CRASH_RECORDS", 3_000, 100_000);
        var provider = FaultScale.Text("KINESIS_CRASH_DATABASE", "sqlite");
        var stream = $"people-{Guid.NewGuid():N}";
        var group = $"kinesis-crash-{Guid.NewGuid():N}";
        var stopwatch = Stopwatch.StartNew();

        await using var kinesalite = await KinesaliteHost.StartAsync();
        using var log = await KinesisStreamLog.CreateAsync(kinesalite.ServiceUrl, stream, Shards);
        await using var proxy = new KinesisFaultProxy(kinesalite.ServiceUrl, new Random(FaultScale.Seed + 1));
        proxy.Start();
        using var database = await ScenarioDatabase.CreateAsync(provider);
        await database.EnsureCreatedAsync();
        await using var producer = await ConsumerInstance.StartKinesisProducerAsync(proxy.Url, stream, group, database.Database);
        var sender = producer.Sender;
        var people = People.Many(records);

        var crashes = new WorkerCrashes(database, new Random(FaultScale.Seed), output);
        await crashes.SendAndKillAsync(people, kills, sender, () => WorkerProcess.StartKinesisAsync(proxy.Url, stream, group, database.Database));

        using (var last = await WorkerProcess.StartKinesisAsync(proxy.Url, stream, group, database.Database))
        {
            // Read straight from kinesalite: a put that timed out and was sent again would be on the stream twice, and applied twice rightly.
            var occurrences = await log.PersonOccurrencesAsync();
            var replica = new Replica(database, stream, group, log.EndsAsync);
            var outcome = await replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences, patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
            Assert.Equal(0, await last.TerminateAsync(TimeSpan.FromSeconds(30)));
            new FaultFigures(
                $"Kinesis crash ({provider})",
                records,
                $"{crashes.Faults}; {proxy.Describe()}",
                outcome.Lost,
                outcome.AppliedTwice,
                outcome.DeadLettered,
                stopwatch.Elapsed)
            {
                Notes = $"{Shards} shards; {sender.Failed} sends failed loudly ({Codes(sender)}) and were re-sent; "
                    + $"{occurrences.Count(o => o.Value > 1)} records on the stream twice; requests: {proxy.DescribeRequests()}",
            }.Publish(output);

            outcome.AssertExactlyOnce();
            Assert.Equal(Shards, (await log.EndsAsync()).Count); // every shard holds records, so every shard's checkpoint was judged
            Assert.True(proxy.ThrottledByOperation.GetValueOrDefault("PutRecords") > 0, "no PutRecords call was throttled: " + proxy.Describe());
            Assert.True(proxy.ThrottledByOperation.GetValueOrDefault("GetRecords") > 0, "no GetRecords call was throttled: " + proxy.Describe());
            Assert.True(proxy.ExpiredIterators > 0, "no iterator expired: " + proxy.Describe());
        }
    }

    private static string Codes(PeopleSender sender) =>
        sender.FailureCodes.IsEmpty ? "none" : string.Join(", ", sender.FailureCodes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
}
