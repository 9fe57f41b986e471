using System.Globalization;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.Kinesis.Tests.Transport;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>
/// Three instances sharing eight shards through leases while the stream is split and merged: parents are applied before
/// their children and every key's versions are committed in order, each once. Only committed effects are judged (the
/// <see cref="ApplyLog"/> is written in the units' transactions).
/// </summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisLeaseReshardingTests(KinesaliteFixture kinesalite, ITestOutputHelper output)
{
    private const int Rounds = 20;
    private const int Instances = 3;

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task Split_and_merge_while_three_instances_consume_keep_parents_before_children_and_commit_every_key_in_order_once(string provider)
    {
        var stream = await kinesalite.CreateStreamAsync("reshard-leases", shardCount: 8);
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var group = "group-" + Guid.NewGuid().ToString("N")[..8];
        var apps = new List<KinesisApp>();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                var log = new ApplyLog("instance-" + i.ToString(CultureInfo.InvariantCulture));
                var app = KinesisApp.Create(kinesalite, stream, group, database, LeaseSettings(), consumer: c => c.Register<PersonSerializerV1>().Register<ApplyLoggingPersonSerializer>(), services: s => s.AddSingleton(log));
                apps.Add(app);
                await app.EnsureDatabaseAsync();
                if (i == 0) await app.QueryAsync(async db => { await ApplyLog.CreateTableAsync(db); return true; });
                await app.StartAsync();
            }

            // The three share the shards before the records arrive (a lease moves by hand-over, about two rounds each).
            await Eventually.TrueAsync(
                async () => (await apps[0].QueryAsync(async db => await db.Set<LogPipeShardLease>().Where(l => l.Stream == stream && l.Owner != null).Select(l => l.Owner).Distinct().CountAsync())) == Instances,
                TimeSpan.FromSeconds(60),
                "every instance holds leases");

            // Ten sends of two versions of every person, from the instances in turn. Shard 0 is split (into 8 and 9) after
            // the third send and 9 merged with its neighbour 1 (into 10) after the sixth, while the earlier versions are still
            // being applied.
            var people = People.Many(48);
            for (var send = 0; send < Rounds / 2; send++)
            {
                var versions = new[] { (2 * send) + 1, (2 * send) + 2 };
                await apps[send % Instances].SendAsync(versions.SelectMany(v => people.Select(p => Version(p, v))).ToList());
                if (send == 2) await kinesalite.Admin.SplitInHalfAsync(stream, "shardId-000000000000");
                if (send == 5) await kinesalite.Admin.MergeAsync(stream, "shardId-000000000009", "shardId-000000000001");
            }

            try
            {
                await Eventually.TrueAsync(async () => (await apps[0].QueryAsync(ApplyLog.ReadAsync)).Count >= people.Count * Rounds, TimeSpan.FromSeconds(180), $"{people.Count * Rounds} committed applications");
            }
            finally
            {
                foreach (var e in apps.SelectMany((a, i) => a.Logs.Entries.Where(e => e.EventId.Id is >= 9000 and < 9050 || e.EventId.Id == LogEvents.CheckpointConflict).Select(e => $"instance-{i} {e.EventId.Id} {e.Message}")))
                {
                    output.WriteLine(e);
                }
            }

            var rows = await apps[0].QueryAsync(ApplyLog.ReadAsync);
            Assert.Empty(ApplyLog.Violations(rows, Rounds));
            Assert.Equal(people.Count * Rounds, rows.Count);
            Assert.True(rows.Select(r => r.Instance).Distinct().Count() > 1, "the records were applied by more than one instance");
            var checkpoints = await apps[0].CheckpointsAsync();
            Assert.Equal(people.Count * Rounds, checkpoints.Sum(c => c.NextOffset));

            // Each closed parent was marked finished once, by whichever instance held it at its end.
            var finished = apps.SelectMany(a => a.Logs.Entries).Where(e => e.EventId.Id == LogEvents.LeaseFinished).Select(e => (string)e.State["Shard"]!).Order().ToList();
            Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000009"], finished);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    private static Dictionary<string, string?> LeaseSettings() => new()
    {
        ["LogPipe:Kinesis:Leases:Duration"] = "00:00:03",
        ["LogPipe:Kinesis:Leases:RenewInterval"] = "00:00:00.5",
    };

    private static Person Version(Person person, int version) => new()
    {
        Uuid = person.Uuid,
        FirstName = person.FirstName,
        LastName = version.ToString(CultureInfo.InvariantCulture),
        Email = person.Email,
    };
}
