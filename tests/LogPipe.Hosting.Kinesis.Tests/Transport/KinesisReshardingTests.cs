using System.Globalization;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>Splits and merges while records flow: nothing lost, nothing doubled, every key's versions applied in order.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisReshardingTests(KinesaliteFixture kinesalite, ITestOutputHelper output) : KinesisAppTests(kinesalite)
{
    private const int Rounds = 20;

    [Fact]
    public async Task Split_and_merge_while_consuming_keep_every_key_in_order()
    {
        var stream = await Kinesalite.CreateStreamAsync("reshard", shardCount: 2);
        var app = await AppAsync(stream, consumer: OrderChecking);
        var people = People.Many(24);

        // Ten sends of two versions per person each; the stream is split after the third and merged after the sixth,
        // while the consumer is still working through the records sent before.
        for (var send = 0; send < Rounds / 2; send++)
        {
            var versions = new[] { (2 * send) + 1, (2 * send) + 2 };
            await app.SendAsync(versions.SelectMany(v => people.Select(p => Version(p, v))).ToList());
            if (send == 2) await Kinesalite.Admin.SplitInHalfAsync(stream, "shardId-000000000000");
            if (send == 5) await Kinesalite.Admin.MergeAsync(stream, "shardId-000000000003", "shardId-000000000001");
        }

        var stored = await app.WaitAppliedAsync(people, times: Rounds, timeout: TimeSpan.FromSeconds(120));
        foreach (var e in app.Logs.Entries.Where(e => e.EventId.Id is >= LogEvents.KinesisTransportCreated and < 3200 || e.EventId.Id == LogEvents.UnitCommitted)) output.WriteLine($"{e.EventId.Id} {e.Message}");
        Assert.Empty(app.Violations.Seen);
        Assert.All(stored, p => Assert.Equal(Rounds.ToString(CultureInfo.InvariantCulture), p.LastName));

        // Shard 0 was split into 2 and 3; 3 and 1 were merged into 4. Every shard's records were applied once.
        var checkpoints = await app.CheckpointsAsync();
        Assert.Equal(
            ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003", "shardId-000000000004"],
            checkpoints.Select(c => c.Partition).Order());
        Assert.Equal(people.Count * Rounds, checkpoints.Sum(c => c.NextOffset));
        var finished = app.Logs.Entries.Where(e => e.EventId.Id == LogEvents.ShardFinished).Select(e => (string)e.State["Shard"]!).Order().ToList();
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000003"], finished);

        // After a restart the closed parents are found finished from their checkpoints: nothing is applied again, and
        // the next versions, now in the children, follow on.
        await app.DisposeAsync();
        var restarted = await AppAsync(stream, consumer: OrderChecking);
        await restarted.SendAsync(people.Select(p => Version(p, Rounds + 1)).ToList());
        await restarted.WaitAppliedAsync(people, times: Rounds + 1);
        Assert.Equal(people.Count, restarted.Probe.Saves.Values.Sum());
        Assert.Empty(restarted.Violations.Seen);
    }

    private static Person Version(Person person, int version) => new()
    {
        Uuid = person.Uuid,
        FirstName = person.FirstName,
        LastName = version.ToString(CultureInfo.InvariantCulture),
        Email = person.Email,
    };
}
