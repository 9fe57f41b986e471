using System.Diagnostics;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.Kinesis.Tests.Transport;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>Several instances of one consumer group on one stream, sharing their shards through leases in the SQLite file they share.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisLeaseTests(KinesaliteFixture kinesalite, ITestOutputHelper output) : KinesisAppTests(kinesalite)
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_and_then_three_instances_split_eight_shards_evenly_and_apply_each_record_once()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-split", shardCount: 8);
        var first = await AppAsync(stream, LeaseSettings());
        await WaitForSplitAsync(first, stream, [8]);

        var second = await AppAsync(stream, LeaseSettings());
        await WaitForSplitAsync(first, stream, [4, 4]);
        Assert.Equal(4, (await HeldAsync(first, stream)).GetValueOrDefault(Owner(second)));

        var third = await AppAsync(stream, LeaseSettings());
        await WaitForSplitAsync(first, stream, [3, 3, 2]);
        Assert.Contains(Owner(third), (await HeldAsync(first, stream)).Keys);

        var people = People.Many(200);
        await first.SendAsync(people);
        await first.WaitAppliedAsync(people, times: 1);
        var applying = new[] { first, second, third }.Count(a => a.Logs.Entries.Any(e => e.EventId.Id == LogEvents.UnitCommitted));
        Assert.Equal(3, applying);
    }

    [Fact]
    public async Task Three_instances_sharing_a_postgres_database_split_eight_shards_and_apply_each_record_once()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-postgres", shardCount: 8);
        using var postgres = await TemporaryDatabase.OnPostgresAsync();
        var apps = new List<KinesisApp>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var app = KinesisApp.Create(Kinesalite, stream, Group, postgres, LeaseSettings());
                apps.Add(app);
                await app.EnsureDatabaseAsync();
                await app.StartAsync();
            }

            await WaitForSplitAsync(apps[0], stream, [3, 3, 2]);
            var people = People.Many(100);
            await apps[0].SendAsync(people);
            await apps[0].WaitAppliedAsync(people, times: 1);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_instance_stopped_gracefully_hands_its_shards_over_within_one_renew_interval()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-stop", shardCount: 8);
        var staying = await AppAsync(stream, LeaseSettings());
        var leaving = await AppAsync(stream, LeaseSettings());
        await WaitForSplitAsync(staying, stream, [4, 4]);
        var people = People.Many(40);
        await staying.SendAsync(people);
        await staying.WaitAppliedAsync(people);

        await leaving.DisposeAsync();
        var stopped = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => (await HeldAsync(staying, stream)).GetValueOrDefault(Owner(staying)) == 8, Convergence, "the staying instance holds all 8 leases");
        var handOver = stopped.Elapsed;
        output.WriteLine($"hand-over after a graceful stop: {handOver.TotalMilliseconds:F0} ms (renew interval {RenewInterval.TotalMilliseconds:F0} ms)");
        // One renew interval, plus the round's own database calls on a loaded machine.
        Assert.True(handOver < RenewInterval + TimeSpan.FromSeconds(1), $"hand-over took {handOver}");

        var more = People.Many(40);
        await staying.SendAsync(more);
        await staying.WaitAppliedAsync([.. people, .. more]);
    }

    [Fact]
    public async Task A_crashed_instances_shards_are_taken_once_their_leases_expire_even_by_an_instance_whose_clock_runs_ahead()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-crash", shardCount: 4);
        // What a killed instance leaves behind: leases it holds and will never renew.
        var seeder = KinesisApp.Create(Kinesalite, stream, Group, Database, ProducerOnly());
        await seeder.EnsureDatabaseAsync();
        await seeder.QueryAsync(async db =>
        {
            for (var i = 0; i < 4; i++)
            {
                db.Set<LogPipeShardLease>().Add(new LogPipeShardLease
                {
                    ConsumerGroup = Group,
                    Transport = "kinesis:us-east-1",
                    Stream = stream,
                    Shard = $"shardId-00000000000{i}",
                    Owner = "crashed-host/4242/deadbeef",
                    LeaseCounter = 17,
                    Epoch = 3,
                    UpdatedAt = DateTimeOffset.UtcNow,
                });
            }

            return await db.SaveChangesAsync();
        });
        await seeder.DisposeAsync();

        var started = Stopwatch.StartNew();
        var survivor = await AppAsync(stream, LeaseSettings(), services: s => s.AddSingleton<TimeProvider>(new AheadClock(TimeSpan.FromMinutes(10))));
        await Eventually.TrueAsync(async () => (await HeldAsync(survivor, stream)).GetValueOrDefault(Owner(survivor)) == 4, Convergence, "the survivor holds the crashed instance's 4 leases");
        var takenAfter = started.Elapsed;
        output.WriteLine($"leases of a crashed instance taken after {takenAfter.TotalMilliseconds:F0} ms (lease duration {LeaseDuration.TotalMilliseconds:F0} ms)");
        Assert.True(takenAfter >= LeaseDuration, $"taken after {takenAfter}, before the lease duration: expiry was judged by the clock that runs ahead");
        // While the crashed instance still looked alive, half were asked for to balance; it never handed them over, so all
        // four were taken only after the lease duration: as expired, or as asked for and not handed over in time.
        var reasons = survivor.Logs.Entries.Where(e => e.EventId.Id == LogEvents.LeaseTaken).Select(e => (string)e.State["Reason"]!).ToList();
        Assert.Equal(4, reasons.Count);
        Assert.All(reasons, r => Assert.Contains(r, new[] { "balancing", "expired" }));
        Assert.Contains(survivor.Logs.Entries, e => e.EventId.Id == LogEvents.LeaseRequested);

        var people = People.Many(20);
        await survivor.SendAsync(people);
        await survivor.WaitAppliedAsync(people);
    }

    [Fact]
    public async Task A_lease_holder_killed_with_SIGKILL_has_its_shards_taken_by_the_survivors_after_expiry_and_every_record_applied_once()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-kill", shardCount: 8);
        var survivors = new[] { await AppAsync(stream, LeaseSettings()), await AppAsync(stream, LeaseSettings()) };
        using var worker = await StartWorkerAsync(stream);
        await WaitForSplitAsync(survivors[0], stream, [3, 3, 2]);
        var workerOwner = Assert.Single((await HeldAsync(survivors[0], stream)).Keys.Except(survivors.Select(Owner)));
        var before = People.Many(120);
        await survivors[0].SendAsync(before);
        await survivors[0].WaitAppliedAsync(before);

        // Killed while it holds leases and records for its shards are arriving: whatever unit it had open dies with it.
        var during = People.Many(120);
        await survivors[1].SendAsync(during);
        await Eventually.TrueAsync(async () => (await HeldAsync(survivors[0], stream)).GetValueOrDefault(workerOwner) > 0, Convergence, "the worker holds leases");
        var logged = survivors.Select(a => a.Logs.Entries.Count).ToList();
        await worker.KillHardAsync();
        var killed = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => !(await HeldAsync(survivors[0], stream)).ContainsKey(workerOwner), Convergence, "the survivors hold the killed worker's leases");
        var takenAfter = killed.Elapsed;
        output.WriteLine($"leases of a worker killed with SIGKILL taken after {takenAfter.TotalMilliseconds:F0} ms (lease duration {LeaseDuration.TotalMilliseconds:F0} ms, renew interval {RenewInterval.TotalMilliseconds:F0} ms)");
        await WaitForSplitAsync(survivors[0], stream, [4, 4]);

        // While the worker still looked alive the survivors could take from it only to balance, which leaves it its share of
        // two or three: those were taken once they expired.
        var reasons = survivors.SelectMany((a, i) => a.Logs.Entries.Skip(logged[i]))
            .Where(e => e.EventId.Id == LogEvents.LeaseTaken && (string)e.State["PreviousOwner"]! == workerOwner)
            .Select(e => (string)e.State["Reason"]!)
            .ToList();
        // (Before the kill the survivors may have asked for one and had it handed over, free.)
        Assert.True(reasons.Count > 0 && reasons.All(r => r == "expired"), $"the worker's leases were taken for: {string.Join(", ", reasons)}");

        // Every record applied exactly once across the three instances: before, during and after the kill.
        var after = People.Many(40);
        await survivors[0].SendAsync(after);
        await survivors[0].WaitAppliedAsync([.. before, .. during, .. after]);
    }

    [Fact]
    public async Task An_instance_whose_clock_runs_ahead_takes_no_live_lease_as_expired()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-skew", shardCount: 4);
        var first = await AppAsync(stream, LeaseSettings());
        await WaitForSplitAsync(first, stream, [4]);
        var ahead = await AppAsync(stream, LeaseSettings(), services: s => s.AddSingleton<TimeProvider>(new AheadClock(TimeSpan.FromMinutes(10))));
        await WaitForSplitAsync(first, stream, [2, 2]);

        // Several lease durations later the split still holds, and no lease it took was judged expired: each was asked for
        // and handed over (free), one at a time.
        await Task.Delay(LeaseDuration * 2);
        Assert.Equal([2, 2], (await HeldAsync(first, stream)).Values.Order());
        var taken = ahead.Logs.Entries.Where(e => e.EventId.Id == LogEvents.LeaseTaken).ToList();
        Assert.Equal(2, taken.Count);
        Assert.All(taken, e => Assert.NotEqual("expired", e.State["Reason"]));
    }

    [Fact]
    public async Task A_lease_wanted_for_balancing_is_handed_over_after_the_holder_commits_so_no_unit_of_the_holder_is_fenced()
    {
        var stream = await Kinesalite.CreateStreamAsync("leases-handover", shardCount: 4);
        var holder = await AppAsync(stream, LeaseSettings());
        await WaitForSplitAsync(holder, stream, [4]);

        // Records arrive while the second instance joins, so the holder has units in flight when it is asked.
        var people = People.Many(400);
        var sending = holder.SendAsync(people);
        var joining = await AppAsync(stream, LeaseSettings());
        await sending;
        await WaitForSplitAsync(holder, stream, [2, 2]);
        await holder.WaitAppliedAsync(people, times: 1);

        // The joining instance asked for two leases and took them once released, from the holder's checkpoint; the holder
        // handed them over and never had a checkpoint write refused.
        foreach (var (app, name) in new[] { (holder, "holder"), (joining, "joining") })
        {
            foreach (var e in app.Logs.Entries.Where(e => e.EventId.Id is >= 9000 and < 9050)) output.WriteLine($"{name} {e.EventId.Id} {e.Message}");
        }

        var taken = joining.Logs.Entries.Where(e => e.EventId.Id == LogEvents.LeaseTaken).Select(e => (string)e.State["Reason"]!).ToList();
        Assert.Equal(["free", "free"], taken);
        Assert.True(holder.Logs.Entries.Count(e => e.EventId.Id == LogEvents.LeaseHandedOver) >= 2, "the holder handed two leases over");
        Assert.DoesNotContain(holder.Logs.Entries, e => e.EventId.Id is LogEvents.LeaseLost or LogEvents.LeaseLostAtCommit or LogEvents.CheckpointConflict);
    }

    private Dictionary<string, string?> LeaseSettings() => new()
    {
        ["LogPipe:Kinesis:Leases:Duration"] = LeaseDuration.ToString(),
        ["LogPipe:Kinesis:Leases:RenewInterval"] = RenewInterval.ToString(),
    };

    /// <summary>The consumer worker as a child process of its own, in this test's consumer group and database, with the test's lease settings.</summary>
    private async Task<ChildProcess> StartWorkerAsync(string stream)
    {
        var settings = string.Join(';', LeaseSettings().Select(s => $"{s.Key}={s.Value}"));
        var worker = ChildProcess.StartDotnet(
            "LogPipe.Hosting.FaultInjection.Worker.dll",
            ["--transport", "kinesis", "--endpoint", Kinesalite.ServiceUrl.ToString(), "--stream", stream, "--group", Group, "--database", Database.Provider, "--connection", Database.ConnectionString, "--set", settings]);
        try
        {
            Assert.StartsWith("started", await worker.ReadLineAsync(ChildProcess.Patience), StringComparison.Ordinal);
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    private static string Owner(KinesisApp app) => app.Services.GetRequiredService<ICheckpointStore>().ShardLeases!.Owner;

    /// <summary>How many unfinished leases of the stream each instance holds.</summary>
    private static Task<Dictionary<string, int>> HeldAsync(KinesisApp app, string stream) => app.QueryAsync(async db =>
        (await db.Set<LogPipeShardLease>().AsNoTracking().Where(l => l.Stream == stream && !l.Finished && l.Owner != null).ToListAsync())
            .GroupBy(l => l.Owner!).ToDictionary(g => g.Key, g => g.Count()));

    private async Task WaitForSplitAsync(KinesisApp app, string stream, int[] split)
    {
        try
        {
            await Eventually.TrueAsync(
                async () => (await HeldAsync(app, stream)).Values.OrderDescending().SequenceEqual(split),
                Convergence,
                $"the leases split {string.Join("/", split)}");
        }
        catch
        {
            foreach (var e in app.Logs.Entries.Where(e => e.EventId.Id is >= 3100 and < 3200 or >= 9000 and < 9050)) output.WriteLine($"{e.EventId.Id} {e.Message} {e.Exception}");
            throw;
        }
    }
}
