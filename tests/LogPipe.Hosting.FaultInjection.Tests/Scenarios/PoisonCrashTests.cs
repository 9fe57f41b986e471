using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Poison under crashes: the crash scenario (the worker SIGKILLed again and again, <see cref="WorkerCrashes"/>) with every
/// N-th record sent a poison record — in turn undecodable bytes, an unknown version, a validation failure, and a person
/// whose save always throws (retried, then dead-lettered as SaveFailed). Every good record must be applied exactly once
/// and every poison record dead-lettered exactly once, at its own offset, whichever kill interrupted it. CI: 5 kills over
/// 5,000 records with every 40th poison; full: 20 kills over 100,000 with every 100th.
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class PoisonCrashTests(ITestOutputHelper output)
{
    private const int Partitions = 8;
    private const int MaxAttempts = 3;

    [Fact]
    public async Task A_consumer_killed_again_and_again_among_poison_records_applies_every_good_record_once_and_dead_letters_every_poison_record_once()
    {
        var kills = FaultScale.Number("POISON_CRASH_KILLS", 5, 20);
        var records = FaultScale.Number("POISON_CRASH_RECORDS", 5_000, 100_000);
        var every = FaultScale.Number("POISON_CRASH_EVERY", 40, 100);
        var provider = FaultScale.Text("POISON_CRASH_DATABASE", WorkerDatabase.Sqlite);
        var random = new Random(FaultScale.Seed);
        var topic = $"people-{Guid.NewGuid():N}";
        var group = $"poison-{Guid.NewGuid():N}";
        var stopwatch = Stopwatch.StartNew();

        using var broker = await DevBroker.StartAsync(topic, Partitions);
        using var database = await ScenarioDatabase.CreateAsync(provider);
        await database.EnsureCreatedAsync();
        await using var producer = await ConsumerInstance.StartProducerAsync(broker.BootstrapServers, topic, group, database.Database);
        using var raw = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5 }).Build();
        var sender = producer.Sender;

        // Records total: good people plus one poison record after every (every − 1) of them.
        var goodCount = records - (records / every);
        var people = People.Many(goodCount);
        var poisoned = new Dictionary<(int Partition, long Offset), Poison>();
        var sent = 0;
        async Task SendAsync(IReadOnlyList<Person> batch, int first)
        {
            // Every send is handed to its producer in this order at once (each call queues its records before it first
            // awaits); the deliveries are awaited together.
            var goodSends = new List<Task>();
            var poisonSends = new List<(Poison Poison, Task<DeliveryResult<byte[]?, byte[]?>> Delivery)>();
            foreach (var chunk in batch.Chunk(every - 1))
            {
                goodSends.Add(sender.SendAsync(chunk, first));
                first += chunk.Length;
                var poison = Poison.Make(sent++);
                poisonSends.Add((poison, raw.ProduceAsync(new TopicPartition(topic, random.Next(Partitions)), new Message<byte[]?, byte[]?> { Value = poison.Value })));
            }

            await Task.WhenAll(goodSends);
            foreach (var (poison, delivery) in poisonSends)
            {
                var report = await delivery;
                poisoned[(report.Partition.Value, report.Offset.Value)] = poison;
            }
        }

        var crashes = new WorkerCrashes(database, random, output);
        string[] options = ["--set", $"LogPipe:Failures:MaxAttempts={MaxAttempts}"];
        await crashes.SendAndKillAsync(people, kills, SendAsync, () => WorkerProcess.StartAsync(broker.BootstrapServers, topic, group, database.Database, options));
        Assert.Equal(people.Count, sender.Delivered);
        output.WriteLine($"all sent and {kills} kills done after {stopwatch.Elapsed.TotalSeconds:F0} s");

        using var last = await WorkerProcess.StartAsync(broker.BootstrapServers, topic, group, database.Database, options);
        var replica = new Replica(database, broker.BootstrapServers, topic, Partitions, group);
        var outcome = await replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
        output.WriteLine($"caught up after {stopwatch.Elapsed.TotalSeconds:F0} s");
        Assert.Equal(0, (await WorkerProcess.TerminateAsync(last, TimeSpan.FromSeconds(30))).ExitCode);

        var deadLetters = await database.DeadLettersAsync(group);
        var byOffset = deadLetters.GroupBy(d => (int.Parse(d.Partition, System.Globalization.CultureInfo.InvariantCulture), d.Offset)).ToDictionary(g => g.Key, g => g.ToList());
        var twice = byOffset.Where(d => d.Value.Count > 1).Select(d => d.Key).ToList();
        var missing = poisoned.Keys.Where(k => !byOffset.ContainsKey(k)).ToList();
        var unexpected = byOffset.Keys.Where(k => !poisoned.ContainsKey(k)).ToList();
        var wrongKind = poisoned.Where(p => byOffset.TryGetValue(p.Key, out var d) && d[0].ErrorKind != p.Value.Kind.ToString()).ToList();
        var poisonUuids = poisoned.Values.Select(p => p.Uuid).OfType<Guid>().ToHashSet();
        var poisonApplied = (await database.PeopleAsync()).Count(p => poisonUuids.Contains(p.Uuid));

        new FaultFigures(
            $"Crash among poison records ({provider})",
            goodCount + poisoned.Count,
            $"{crashes.Faults}; {poisoned.Count} poison records (every {every}th: {string.Join(", ", poisoned.Values.GroupBy(p => p.Kind).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))})",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{poisoned.Count} dead letters expected, {deadLetters.Count} stored; offsets dead-lettered twice {twice.Count}, poison without a dead letter {missing.Count}, dead letters of good records {unexpected.Count}" }.Publish(output);

        Assert.True(outcome.Lost == 0, $"{outcome.Lost} lost. {outcome.Detail}");
        Assert.True(outcome.AppliedTwice == 0, $"{outcome.AppliedTwice} applied twice. {outcome.Detail}");
        Assert.True(outcome.AtLogEnd, $"stored offsets are not at the log end. {outcome.Detail}");
        Assert.True(twice.Count == 0, $"dead-lettered more than once: {string.Join(", ", twice.Take(5))}");
        Assert.True(missing.Count == 0, $"poison records without a dead letter: {string.Join(", ", missing.Take(5).Select(m => $"{m} {poisoned[m].Kind}"))}");
        Assert.True(unexpected.Count == 0, $"dead letters of good records: {string.Join(", ", unexpected.Take(5).Select(u => $"{u} {byOffset[u][0].ErrorKind}: {byOffset[u][0].Error}"))}");
        Assert.True(wrongKind.Count == 0, $"dead-lettered as the wrong kind: {string.Join(", ", wrongKind.Take(5).Select(w => $"{w.Key} {w.Value.Kind} → {byOffset[w.Key][0].ErrorKind}: {byOffset[w.Key][0].Error}"))}");
        Assert.Equal(0, poisonApplied);
        Assert.Equal(poisoned.Count, deadLetters.Count);
    }

    /// <summary>One poison record: its bytes, the dead letter it must become, and the person it names, if any.</summary>
    private sealed record Poison(byte[] Value, MessageErrorKind Kind, Guid? Uuid)
    {
        /// <summary>The <paramref name="index"/>-th poison record: the four kinds in turn.</summary>
        public static Poison Make(int index)
        {
            var uuid = Guid.NewGuid();
            return (index % 4) switch
            {
                0 => new Poison([0x6a, 0x73, 0x6f, 0x6e, 0x3a, 0x7b, 0x22, 0xff, 0xfe, 0x00, 0x13], MessageErrorKind.Undecodable, null),
                1 => new Poison(Json($$$"""{"type":"person","version":7,"message":{"uuid":"{{{uuid}}}","first_name":"Ann","last_name":"Lee"}}"""), MessageErrorKind.UnknownVersion, uuid),
                2 => new Poison(Json($$$"""{"type":"person","version":1,"message":{"uuid":"{{{uuid}}}","first_name":"","last_name":"Lee"}}"""), MessageErrorKind.ValidationFailed, uuid),
                _ => new Poison(Json($$$"""{"type":"person","version":2,"message":{"uuid":"{{{uuid}}}","first_name":"Ann","last_name":"{{{FaultySaves.UnsavableLastName}}}","email":null}}"""), MessageErrorKind.SaveFailed, uuid),
            };
        }

        private static byte[] Json(string envelope) => Encoding.UTF8.GetBytes("json:" + envelope);
    }
}
