using System.Text;
using Confluent.Kafka;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Kafka.Tests.Embedded;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>LogPipe on a real Kafka-protocol broker (librdkafka's mock cluster, 3 brokers), with SQLite and PostgreSQL checkpoints.</summary>
public sealed class KafkaTransportTests(ITestOutputHelper output) : KafkaTransportTestBase
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task V1_and_v2_records_round_trip_with_keys_on_stable_partitions(string database)
    {
        var db = await DatabaseAsync(database);
        var producer = await ProducerAppAsync(db);
        var people = People.Many(300);
        var positions = await SendAsync(producer, people);

        // Keys land where Kafka's (and kafka-python's) murmur2 partitioner puts them.
        for (var i = 0; i < people.Count; i++)
        {
            Assert.Equal(PartitionOf(people[i].Uuid).ToString(), positions[i].Partition);
        }

        // A Django service writing version 1 shares the topic.
        var v1 = People.Many(50);
        using (var raw = new ProducerBuilder<string, string>(KafkaTestCluster.ProducerConfig(Cluster.BootstrapServers)).Build())
        {
            foreach (var p in v1)
            {
                await raw.ProduceAsync(Topic, new Message<string, string>
                {
                    Key = p.Uuid.ToString(),
                    Value = $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{p.Uuid}}}","first_name":"{{{p.FirstName}}}","last_name":"{{{p.LastName}}}"}}""",
                });
            }
        }

        var consumer = await AppAsync(db);
        await AssertExactlyOnceAsync(consumer, [.. people, .. v1]);
        Assert.Equal(300, consumer.Probe.SaveCount<PersonSerializerV2>());
        Assert.Equal(50, consumer.Probe.SaveCount<PersonSerializerV1>());
        Assert.Null((await consumer.PeopleAsync()).Single(p => p.Uuid == v1[0].Uuid).Email);
    }

    [Theory]
    [InlineData("sqlite", 2)]
    [InlineData("sqlite", 3)]
    [InlineData("postgres", 3)]
    public async Task Instances_of_oneGroup_share_partitions_and_apply_every_record_exactly_once(string database, int instances)
    {
        var db = await DatabaseAsync(database);
        var apps = new List<KafkaApp>();
        for (var i = 0; i < instances; i++) apps.Add(await AppAsync(db));

        // Send once the group has settled with partitions on every member; otherwise the first member to join may
        // apply everything before the others are assigned anything.
        await Eventually.TrueAsync(() => apps.All(a => a.Logs.Entries.Any(e => e.EventId.Id == LogEvents.PartitionsAssigned)), TimeSpan.FromSeconds(60), "every member was assigned partitions");
        var people = People.Many(1500);
        foreach (var chunk in people.Chunk(100)) await SendAsync(apps[0], chunk);
        await AssertExactlyOnceAsync(apps[0], people);
        var perInstance = apps.Select(a => a.Probe.SaveCount<PersonSerializerV2>()).ToList();
        output.WriteLine($"applied per instance: {string.Join(", ", perInstance)}");
        // Saves are attempts: one rolled back by a fenced commit around a rebalance is counted but left no effect —
        // the Applied counter in the database (checked above) is the proof of exactly-once.
        Assert.True(perInstance.Sum() >= 1500);
        Assert.True(perInstance.Count(n => n > 0) >= 2, "partitions were shared between instances");
    }

    [Fact]
    public async Task A_restarted_instance_resumes_from_the_database_checkpoints()
    {
        var db = await DatabaseAsync("sqlite");
        var first = await AppAsync(db);
        var before = People.Many(200);
        await SendAsync(first, before);
        await AssertExactlyOnceAsync(first, before);
        await first.DisposeAsync();

        var producer = await ProducerAppAsync(db);
        var after = People.Many(200);
        await SendAsync(producer, after);
        var second = await AppAsync(db);
        await AssertExactlyOnceAsync(second, [.. before, .. after]);
        Assert.Equal(200, second.Probe.SaveCount<PersonSerializerV2>());
    }

    [Fact]
    public async Task A_broker_down_for_seconds_during_produce_and_consume_loses_nothing()
    {
        var db = await DatabaseAsync("sqlite");
        var app = await AppAsync(db);
        var people = People.Many(1200);
        var sending = Task.Run(async () =>
        {
            foreach (var chunk in people.Chunk(100)) await SendAsync(app, chunk);
        });
        await Eventually.TrueAsync(async () => await app.PeopleCountAsync() >= 100, TimeSpan.FromSeconds(60));
        Cluster.Cluster.SetBrokerDown(1);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself: a span of time, not a condition to wait for
        Cluster.Cluster.SetBrokerUp(1);
        await sending;
        await AssertExactlyOnceAsync(app, people);
    }

    [Fact]
    public async Task WithGroup_offsets_each_unit_commits_to_theGroup_and_a_restart_resumes_there()
    {
        var db = await DatabaseAsync("sqlite");
        var first = await AppAsync(db, groupOffsets: true);
        var before = People.Many(150);
        await SendAsync(first, before);
        await Eventually.TrueAsync(async () => await first.PeopleCountAsync() == 150, TimeSpan.FromSeconds(60));
        await first.DisposeAsync();

        using (var probe = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(Cluster.BootstrapServers, Group)).Build())
        {
            var committed = probe.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p)), TimeSpan.FromSeconds(10));
            Assert.Equal(EndOffsets(), committed.Select(c => c.Offset.Value < 0 ? 0 : c.Offset.Value));
        }

        var after = People.Many(50);
        var second = await AppAsync(db, groupOffsets: true);
        await SendAsync(second, after);
        await Eventually.TrueAsync(async () => await second.PeopleCountAsync() == 200, TimeSpan.FromSeconds(60));
        Assert.Equal(50, second.Probe.SaveCount<PersonSerializerV2>());
        Assert.Empty(await second.CheckpointsAsync());
    }

    [Fact]
    public async Task Records_with_any_timestamp_are_applied_and_the_consumer_keeps_running()
    {
        var db = await DatabaseAsync("sqlite");

        // Another producer's clock or code can write any 64-bit CreateTime: beyond year 9999, the epoch, none at all.
        long[] timestamps = [DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() + 1, long.MaxValue, 1, 0, -1, -5000, 1_700_000_000_000];
        var people = People.Many(timestamps.Length);
        await ProduceV1Async(people, partition: 0, timestamps);

        var stored = await RawTimestampsAsync(0, timestamps.Length);
        Assert.Contains(stored, t => t > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds());

        var consumer = await AppAsync(db);
        await AssertExactlyOnceAsync(consumer, people);
        Assert.DoesNotContain(consumer.Logs.Entries, e => e.Exception is ArgumentOutOfRangeException);
    }

    [Fact]
    public async Task A_checkpoint_below_the_log_start_is_reported_with_the_records_lost_to_retention()
    {
        var db = await DatabaseAsync("sqlite");
        var people = People.Many(10);
        await ProduceV1Async(people[..2], partition: 0);
        var first = await AppAsync(db);
        await AssertExactlyOnceAsync(first, people[..2]);
        await first.DisposeAsync();

        // While the service is stopped, 8 more records arrive and retention deletes the first 6 of the partition:
        // offsets 2 to 5 were never applied.
        await ProduceV1Async(people[2..], partition: 0);
        Cluster.Cluster.DeleteRecords(Topic, 0, 6);
        var lost = new List<long>();
        using var listener = RetentionLossListener(lost);

        var second = await AppAsync(db);
        await Eventually.TrueAsync(async () => await second.PeopleCountAsync() == 6, TimeSpan.FromSeconds(60), "the records still in the log applied");

        var warning = Assert.Single(second.Logs.Entries, e => e.EventId.Id == LogEvents.CheckpointBelowLogStart);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal(Topic, warning.State["Topic"]);
        Assert.Equal(0, warning.State["Partition"]);
        Assert.Equal(2L, warning.State["Checkpoint"]);
        Assert.Equal(6L, warning.State["LogStart"]);
        Assert.Equal(4L, warning.State["Lost"]);
        Assert.Equal(6L, warning.State["Offset"]);
        Assert.Equal(4L, lost.Sum());
        Assert.Equal(people[..2].Concat(people[6..]).Select(p => p.Uuid).Order(), (await second.PeopleAsync()).Select(p => p.Uuid).Order());
    }

    /// <summary>Collects <c>logpipe.kafka.records_lost_to_retention</c> measurements for this test's topic.</summary>
    private System.Diagnostics.Metrics.MeterListener RetentionLossListener(List<long> measurements)
    {
        var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "LogPipe.Hosting" && instrument.Name == "logpipe.kafka.records_lost_to_retention") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name" && Equals(tag.Value, Topic))
                {
                    lock (measurements) measurements.Add(value);
                }
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>Produces version 1 people to one partition as a Django service would, optionally with explicit CreateTimes.</summary>
    private async Task ProduceV1Async(IReadOnlyList<Person> people, int partition, long[]? timestamps = null)
    {
        using var raw = new ProducerBuilder<string, string>(KafkaTestCluster.ProducerConfig(Cluster.BootstrapServers)).Build();
        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var message = new Message<string, string>
            {
                Key = person.Uuid.ToString(),
                Value = $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{person.Uuid}}}","first_name":"{{{person.FirstName}}}","last_name":"{{{person.LastName}}}"}}""",
            };
            if (timestamps is not null) message.Timestamp = new Timestamp(timestamps[i], TimestampType.CreateTime);
            await raw.ProduceAsync(new TopicPartition(Topic, partition), message);
        }
    }

    private async Task<List<long>> RawTimestampsAsync(int partition, int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(Cluster.BootstrapServers, KafkaTestCluster.NewName("raw"))).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, partition, Offset.Beginning));
        var timestamps = new List<long>();
        while (timestamps.Count < count) timestamps.Add(consumer.Consume(TimeSpan.FromSeconds(10)).Message.Timestamp.UnixTimestampMs);
        return timestamps;
    }

    [Fact]
    public async Task A_batch_with_a_record_the_producer_refuses_says_which_record_failed_and_stores_the_others()
    {
        var db = await DatabaseAsync("sqlite");

        // message.max.bytes is checked by librdkafka as each record is handed over: the large one fails on its own.
        var app = await AppAsync(db, new Dictionary<string, string?> { ["LogPipe:EnableConsumers"] = "false", ["LogPipe:Kafka:Producer:message.max.bytes"] = "2000" });
        var people = People.Many(3);
        people[1].LastName = new string('x', 5000);
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();

        var failure = await Assert.ThrowsAsync<KafkaSendException>(() => producer.SendBatchAsync(people));

        Assert.Equal("MsgSizeTooLarge", failure.ErrorCode);
        Assert.Equal(1, failure.FailedRecords);
        Assert.Equal([1], failure.FailedIndexes);
        Assert.Equal(3, failure.Positions.Count);
        Assert.Contains(Topic, failure.Message, StringComparison.Ordinal);
        var stored = new[] { failure.Positions[0]!.Value, failure.Positions[2]!.Value };
        using var consumer = new ConsumerBuilder<byte[]?, string>(KafkaTestCluster.ConsumerConfig(Cluster.BootstrapServers, KafkaTestCluster.NewName("raw"))).Build();
        foreach (var (position, person) in stored.Zip([people[0], people[2]]))
        {
            consumer.Assign(new TopicPartitionOffset(Topic, int.Parse(position.Partition, System.Globalization.CultureInfo.InvariantCulture), position.Offset));
            var record = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.Equal(person.Uuid.ToString(), Encoding.UTF8.GetString(record.Message.Key!));
        }
    }

    [Fact]
    public async Task Records_without_a_key_field_are_sent_without_a_key_and_spread_over_partitions()
    {
        var db = await DatabaseAsync("sqlite");

        // librdkafka's sticky partitioner keeps keyless records on one partition for sticky.partitioning.linger.ms
        // (10 ms by default), so on a fast machine a whole batch lands together; 0 spreads them record by record.
        var app = await AppAsync(db, new Dictionary<string, string?> { ["LogPipe:Kafka:Producer:sticky.partitioning.linger.ms"] = "0" });
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Place>>();
        var positions = await producer.SendBatchAsync(Enumerable.Range(0, 200).Select(i => new Place(Guid.NewGuid(), $"place {i}")).ToList());
        Assert.True(positions.Select(p => p.Partition).Distinct().Count() > 1, "keyless records spread over partitions");
        await Eventually.TrueAsync(() => app.Probe.SaveCount<PlaceSerializer>() == 200, TimeSpan.FromSeconds(60));
        using var consumer = new ConsumerBuilder<byte[]?, string>(KafkaTestCluster.ConsumerConfig(Cluster.BootstrapServers, KafkaTestCluster.NewName("raw"))).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, int.Parse(positions[0].Partition), positions[0].Offset));
        var record = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Null(record.Message.Key);
        Assert.StartsWith("json:{\"type\":\"place\",\"version\":1,", record.Message.Value, StringComparison.Ordinal);
    }
}
