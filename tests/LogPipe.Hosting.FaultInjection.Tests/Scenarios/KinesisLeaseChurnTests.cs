using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Kinesis leases under churn: three consumer worker processes share an 8-shard stream on kinesalite through shard leases
/// in one database while records flow; one at a time they are killed with SIGKILL and restarted, or stopped with
/// SIGTERM and started again after a gap; one shard is split and two are merged during the run. Every record is applied
/// exactly once, and the work done twice — records handed to units by more than one instance, rolled-back units
/// included — is measured from the workers' journals. CI: 3 kills and 2 leaves over 2,000 records;
/// <c>LOGPIPE_FAULTS_SCALE=full</c>: 20 kills and 6 leaves over 100,000.
/// </summary>
[Collection(ScenarioCollections.KinesisAndOutbox)]
public sealed class KinesisLeaseChurnTests(ITestOutputHelper output)
{
    private const int Shards = 8;
    private const int Instances = 3;

    // Quicker than the defaults (10 s, 3 s), so a killed instance's shards move on within a CI run.
    private static readonly string[] LeaseSettings = ["LogPipe:Kinesis:Leases:Duration=00:00:03", "LogPipe:Kinesis:Leases:RenewInterval=00:00:00.500"];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Three_instances_sharing_shard_leases_through_kills_leaves_a_split_and_a_merge_apply_every_record_exactly_once(string provider)
    {
        var kills = FaultScale.Number("KINESIS_LEASE_KILLS", 3, 20);
        var leaves = FaultScale.Number("KINESIS_LEASE_LEAVES", 2, 6);
        // CI: 2,000 records still give every fault a batch of its own (about 330 records, kills landing inside units) and 200
        // changed people for per-key order across the reshards; twice as many only made the run longer.
        var records = FaultScale.Number("KINESIS_LEASE_RECORDS", 2_000, 100_000);
        var random = new Random(FaultScale.Seed);
        var stream = $"people-{Guid.NewGuid():N}";
        var group = $"kinesis-leases-{Guid.NewGuid():N}";
        var stopwatch = Stopwatch.StartNew();

        await using var kinesalite = await KinesaliteHost.StartAsync();
        using var log = await KinesisStreamLog.CreateAsync(kinesalite.ServiceUrl, stream, Shards);
        using var database = await ScenarioDatabase.CreateAsync(provider);
        await database.EnsureCreatedAsync();
        await using var producer = await ConsumerInstance.StartKinesisProducerAsync(kinesalite.ServiceUrl, stream, group, database.Database);
        var sender = producer.Sender;
        using var instances = new KinesisInstances(Instances, kinesalite.ServiceUrl, stream, group, database.Database, LeaseSettings);
        await instances.StartAllAsync();

        // Kills and leaves in random order, one per batch of people; the split a third of the way in, the merge at two thirds.
        var faults = Enumerable.Repeat(true, kills).Concat(Enumerable.Repeat(false, leaves)).OrderBy(_ => random.Next()).ToList();
        var people = People.Many(records);
        var batches = people.Chunk((people.Count + faults.Count) / (faults.Count + 1)).ToList();
        string split = "", merged = "";
        // Per-key order: every tenth person of a batch is sent again, changed, with the next batch (after the first is
        // on the stream, often across the split or the merge); each must end in its changed version.
        var changes = new List<Person>();
        var sent = 0;
        async Task SendAsync(int i)
        {
            Person[] batch = [.. batches.ElementAtOrDefault(i) ?? [], .. Changed(batches.ElementAtOrDefault(i - 1) ?? [])];
            changes.AddRange(Changed(batches.ElementAtOrDefault(i - 1) ?? []));
            await sender.SendAsync(batch, sent);
            sent += batch.Length;
        }

        for (var i = 0; i < faults.Count; i++)
        {
            var stored = await database.PeopleCountAsync();
            await SendAsync(i);
            if (i == faults.Count / 3) split = await log.SplitAsync();
            if (i == 2 * faults.Count / 3 && await log.MergeAsync() is var (shard, adjacent)) merged = $"{shard} + {adjacent}";
            // The fault lands while the instances work through the batch: once a random part of it is stored.
            await UntilStoredAsync(database, stored + random.Next(1, Math.Max(2, batches.ElementAtOrDefault(i)?.Length ?? 0)), TimeSpan.FromSeconds(10));
            var slot = random.Next(Instances);
            if (faults[i]) await instances.KillAndRestartAsync(slot);
            else await instances.LeaveAndJoinAsync(slot, TimeSpan.FromMilliseconds(random.Next(200, 1500)));
            output.WriteLine($"{(faults[i] ? "kill" : "leave and join")} {i + 1} (slot {slot}) after {stopwatch.Elapsed.TotalSeconds:F0} s: {await database.PeopleCountAsync()} people stored");
        }

        for (var i = faults.Count; i <= batches.Count; i++) await SendAsync(i);
        Assert.Equal(people.Count + changes.Count, sender.Delivered);
        output.WriteLine($"every person sent after {stopwatch.Elapsed.TotalSeconds:F0} s");

        var occurrences = await log.PersonOccurrencesAsync();
        var replica = new Replica(database, stream, group, log.EndsAsync);
        var outcome = await replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences, patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
        output.WriteLine($"caught up after {stopwatch.Elapsed.TotalSeconds:F0} s");
        await instances.StopAllAsync();
        var final = (await database.PeopleAsync()).ToDictionary(p => p.Uuid);
        var outOfOrder = changes.Where(c => !final.TryGetValue(c.Uuid, out var p) || p.LastName != c.LastName).ToList();
        // Judged on the people with one record on the stream: a changed person's two records, or a record the producer put
        // twice (a retried PutRecords), are rightly read by two instances at times.
        var several = changes.Select(c => c.Uuid).Concat(occurrences.Where(o => o.Value > 1).Select(o => o.Key)).Select(u => u.ToString("N")).ToHashSet(StringComparer.Ordinal);
        var duplicated = await DuplicatedWork.MeasureAsync(instances.JournalDirectory, instances.Killed, instances.Left, records - several.Count, several);
        var moves = await LeaseMoves.CountAsync(instances.JournalDirectory);
        var ends = await log.EndsAsync();
        new FaultFigures(
            $"Kinesis leases, {Instances} instances ({provider})",
            sender.Delivered,
            $"{instances.Kills} × SIGKILL and restart, {instances.Leaves} × SIGTERM and rejoin; split {split}, merged {merged}",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        {
            Notes = $"{duplicated}; {moves}; {outOfOrder.Count} of {changes.Count} changed people out of per-key order; {Shards} shards, {ends.Count} holding records after the reshards; leases 3 s, renewed every 0.5 s; "
                + $"{occurrences.Values.Sum() - sender.Delivered} records on the stream twice",
        }.Publish(output);

        outcome.AssertExactlyOnce();
        Assert.True(outOfOrder.Count == 0, $"{outOfOrder.Count} changed people did not end in their change, e.g. {string.Join(", ", outOfOrder.Take(3).Select(c => c.Uuid))}");
        Assert.Equal(Shards + 3, ends.Count); // the split's two children and the merge's one child hold records too, so their checkpoints were judged
        Assert.True(duplicated.Handings >= records - several.Count, $"the journals hold fewer records than were applied: {duplicated}");
    }

    /// <summary>Every tenth person of <paramref name="batch"/>, changed.</summary>
    private static Person[] Changed(IEnumerable<Person> batch) =>
        [.. batch.Where((_, i) => i % 10 == 0).Select(p => new Person { Uuid = p.Uuid, FirstName = p.FirstName, LastName = p.LastName + " changed", Email = p.Email })];

    /// <summary>Waits until <paramref name="count"/> people are stored, or <paramref name="patience"/> has passed (instances still starting).</summary>
    private static async Task UntilStoredAsync(ScenarioDatabase database, int count, TimeSpan patience)
    {
        var waiting = Stopwatch.StartNew();
        while (waiting.Elapsed < patience && await database.PeopleCountAsync() < count) await Task.Delay(50); // the poll interval
    }
}
