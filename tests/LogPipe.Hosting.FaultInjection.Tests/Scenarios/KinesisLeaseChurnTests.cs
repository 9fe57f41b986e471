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
/// included — is measured from the workers' journals. CI: 3 kills and 2 leaves over 4,000 records;
/// <c>LOGPIPE_FAULTS_SCALE=full</c>: 20 kills and 6 leaves over 100,000.
/// </summary>
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
        var records = FaultScale.Number("KINESIS_LEASE_RECORDS", 4_000, 100_000);
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
        for (var i = 0; i < faults.Count; i++)
        {
            await sender.SendAsync(batches.ElementAtOrDefault(i) ?? [], i * batches[0].Length);
            if (i == faults.Count / 3) split = await log.SplitAsync();
            if (i == 2 * faults.Count / 3 && await log.MergeAsync() is var (shard, adjacent)) merged = $"{shard} + {adjacent}";
            await Task.Delay(random.Next(0, 1500)); // the instances are busy with the batch: the fault lands inside or between units
            var slot = random.Next(Instances);
            if (faults[i]) await instances.KillAndRestartAsync(slot);
            else await instances.LeaveAndJoinAsync(slot, TimeSpan.FromMilliseconds(random.Next(200, 1500)));
            output.WriteLine($"{(faults[i] ? "kill" : "leave and join")} {i + 1} (slot {slot}): {await database.PeopleCountAsync()} people stored");
        }

        foreach (var batch in batches.Skip(faults.Count)) await sender.SendAsync(batch, people.IndexOf(batch[0]));
        Assert.Equal(people.Count, sender.Delivered);
        output.WriteLine($"every person sent after {stopwatch.Elapsed.TotalSeconds:F0} s");

        var occurrences = await log.PersonOccurrencesAsync();
        var replica = new Replica(database, stream, group, log.EndsAsync);
        var outcome = await replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences, patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 10 : 2));
        output.WriteLine($"caught up after {stopwatch.Elapsed.TotalSeconds:F0} s");
        await instances.StopAllAsync();
        var duplicated = await DuplicatedWork.MeasureAsync(instances.JournalDirectory, instances.Killed, instances.Left, records);
        var moves = await LeaseMoves.CountAsync(instances.JournalDirectory);
        var ends = await log.EndsAsync();
        new FaultFigures(
            $"Kinesis leases, {Instances} instances ({provider})",
            records,
            $"{instances.Kills} × SIGKILL and restart, {instances.Leaves} × SIGTERM and rejoin; split {split}, merged {merged}",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        {
            Notes = $"{duplicated}; {moves}; {Shards} shards, {ends.Count} holding records after the reshards; leases 3 s, renewed every 0.5 s; "
                + $"{occurrences.Count(o => o.Value > 1)} records on the stream twice",
        }.Publish(output);

        outcome.AssertExactlyOnce();
        Assert.Equal(Shards + 3, ends.Count); // the split's two children and the merge's one child hold records too, so their checkpoints were judged
        Assert.True(duplicated.Handings >= records, $"the journals hold fewer records than were applied: {duplicated}");
    }
}
