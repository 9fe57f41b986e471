using System.Globalization;
using System.Numerics;
using System.Text;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>LogPipe on kinesalite through the whole pipeline: producer, Kinesis, consumer service, EF Core checkpoints in SQLite.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisTransportTests(KinesaliteFixture kinesalite) : KinesisAppTests(kinesalite)
{
    [Fact]
    public async Task V1_and_v2_records_round_trip_across_shards()
    {
        var stream = await Kinesalite.CreateStreamAsync("roundtrip", shardCount: 4);
        var producer = await AppAsync(stream, ProducerOnly());
        var people = People.Many(200);
        var positions = await producer.SendAsync(people);

        // The record key is the partition key, so each person lands where Kinesis hashes their uuid.
        var shards = await Kinesalite.Admin.ListAllShardsAsync(stream);
        for (var i = 0; i < people.Count; i++)
        {
            Assert.Equal(stream, positions[i].Stream);
            Assert.Equal(ShardHashing.ShardFor(people[i].Uuid.ToString(), shards), positions[i].Partition);
            Assert.Equal(-1, positions[i].Offset);
            Assert.False(string.IsNullOrEmpty(positions[i].SequenceNumber));
        }

        Assert.Equal(4, positions.Select(p => p.Partition).Distinct().Count());

        // A Django service still writing version 1 shares the stream.
        var v1 = People.Many(40);
        var put = await Kinesalite.Admin.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = stream,
            Records = [.. v1.Select(p => new PutRecordsRequestEntry
            {
                PartitionKey = p.Uuid.ToString(),
                Data = Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{p.Uuid}}}","first_name":"{{{p.FirstName}}}","last_name":"{{{p.LastName}}}"}}"""),
            })],
        });
        Assert.Equal(0, put.FailedRecordCount);

        var consumer = await AppAsync(stream);
        var stored = await consumer.WaitAppliedAsync([.. people, .. v1]);
        Assert.Equal(200, consumer.Probe.SaveCount<PersonSerializerV2>());
        Assert.Equal(40, consumer.Probe.SaveCount<PersonSerializerV1>());
        Assert.Null(stored.Single(p => p.Uuid == v1[0].Uuid).Email);
        Assert.Equal(people[0].Email, stored.Single(p => p.Uuid == people[0].Uuid).Email);
        Assert.Empty(await consumer.DeadLettersAsync());

        // One checkpoint per (group, region, stream, shard): the count applied and the last sequence number of the shard.
        var lastPerShard = positions.Select(p => (p.Partition, p.SequenceNumber))
            .Concat(put.Records!.Select(r => (Partition: r.ShardId!, r.SequenceNumber)))
            .GroupBy(p => p.Partition)
            .ToDictionary(g => g.Key, g => (Count: g.Count(), Last: g.MaxBy(p => BigInteger.Parse(p.SequenceNumber!, CultureInfo.InvariantCulture)).SequenceNumber));
        var checkpoints = await consumer.CheckpointsAsync();
        Assert.Equal(4, checkpoints.Count);
        Assert.All(checkpoints, c =>
        {
            Assert.Equal(Group, c.ConsumerGroup);
            Assert.Equal("kinesis:us-east-1", c.Transport);
            Assert.Equal(stream, c.Stream);
            Assert.Equal(lastPerShard[c.Partition].Count, c.NextOffset);
            Assert.Equal(lastPerShard[c.Partition].Last, c.SequenceNumber);
        });
    }

    [Fact]
    public async Task Twenty_shards_of_101_records_each_are_applied_exactly_once()
    {
        var stream = await Kinesalite.CreateStreamAsync("twenty", shardCount: 20);
        var shards = await Kinesalite.Admin.ListAllShardsAsync(stream);
        var perShard = shards.ToDictionary(s => s.ShardId!, _ => new List<Person>());
        while (perShard.Values.Any(l => l.Count < 101))
        {
            var person = People.Many(1)[0];
            var bucket = perShard[ShardHashing.ShardFor(person.Uuid.ToString(), shards)];
            if (bucket.Count < 101) bucket.Add(person);
        }

        var people = perShard.Values.SelectMany(l => l).ToList();
        var app = await AppAsync(stream);
        var positions = await app.SendAsync(people);

        Assert.All(positions.GroupBy(p => p.Partition), g => Assert.Equal(101, g.Count()));
        await app.WaitAppliedAsync(people);
        var checkpoints = await app.CheckpointsAsync();
        Assert.Equal(20, checkpoints.Count);
        Assert.All(checkpoints, c => Assert.Equal(101, c.NextOffset));
        Assert.Equal(2020, app.Probe.SaveCount<PersonSerializerV2>());
    }

    [Fact]
    public async Task A_restarted_consumer_resumes_after_its_checkpoints()
    {
        var stream = await Kinesalite.CreateStreamAsync("restart", shardCount: 3);
        var first = await AppAsync(stream);
        var before = People.Many(150);
        await first.SendAsync(before);
        await first.WaitAppliedAsync(before);
        await first.DisposeAsync();

        var producer = await AppAsync(stream, ProducerOnly());
        var after = People.Many(150);
        await producer.SendAsync(after);

        var second = await AppAsync(stream);
        await second.WaitAppliedAsync([.. before, .. after]);
        Assert.Equal(150, second.Probe.SaveCount<PersonSerializerV2>());
        var starts = second.Logs.Entries.Where(e => e.EventId.Id == LogEvents.ShardReading).Select(e => e.Message).ToList();
        Assert.Equal(3, starts.Count);
        Assert.All(starts, s => Assert.Contains("AFTER_SEQUENCE_NUMBER", s));
        Assert.Equal(300, (await second.CheckpointsAsync()).Sum(c => c.NextOffset));
    }

    [Fact]
    public async Task A_consumer_starting_AT_TIMESTAMP_applies_what_arrived_from_that_time_on()
    {
        // kinesalite answers AT_TIMESTAMP only when a record at or after the time exists, so one shard with records after it.
        var stream = await Kinesalite.CreateStreamAsync("at-timestamp", shardCount: 1);
        var producer = await AppAsync(stream, ProducerOnly());
        await producer.SendAsync(People.Many(20));
        var from = await ClockPassedAsync(DateTimeOffset.UtcNow);
        await ClockPassedAsync(from);
        var after = People.Many(20);
        await producer.SendAsync(after);

        var consumer = await AppAsync(stream, new Dictionary<string, string?>
        {
            ["LogPipe:Kinesis:InitialPosition"] = "AT_TIMESTAMP",
            ["LogPipe:Kinesis:InitialTimestamp"] = from.ToString("O", CultureInfo.InvariantCulture),
        });

        await consumer.WaitAppliedAsync(after);
    }

    [Fact]
    public async Task A_consumer_starting_at_LATEST_applies_only_what_is_sent_after_it_started()
    {
        var stream = await Kinesalite.CreateStreamAsync("latest", shardCount: 2);
        var producer = await AppAsync(stream, ProducerOnly());
        await producer.SendAsync(People.Many(30));

        var consumer = await AppAsync(stream, new Dictionary<string, string?> { ["LogPipe:Kinesis:InitialPosition"] = "LATEST" });
        await consumer.ConsumersStartedAsync();
        var after = People.Many(30);
        await producer.SendAsync(after);

        await consumer.WaitAppliedAsync(after);
    }

    // Arrival times have millisecond resolution: step clear of the last millisecond used.
    private static async Task<DateTimeOffset> ClockPassedAsync(DateTimeOffset time)
    {
        var passed = time.AddMilliseconds(5);
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > passed, TimeSpan.FromSeconds(5));
        return DateTimeOffset.UtcNow;
    }
}
