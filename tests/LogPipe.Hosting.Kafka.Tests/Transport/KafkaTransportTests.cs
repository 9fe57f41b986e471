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
public sealed class KafkaTransportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Partitions = 6;
    private readonly KafkaTestCluster _cluster = KafkaTestCluster.Start();
    private readonly List<IAsyncDisposable> _apps = [];
    private readonly List<TemporaryDatabase> _databases = [];
    private string _topic = "";
    private string _group = "";

    public Task InitializeAsync()
    {
        _topic = _cluster.CreateTopic(Partitions, "people");
        _group = KafkaTestCluster.NewName("group");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps)) await app.DisposeAsync();
        foreach (var db in _databases) db.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<TemporaryDatabase> DatabaseAsync(string kind)
    {
        var db = await TemporaryDatabase.CreateAsync(kind);
        _databases.Add(db);
        return db;
    }

    /// <summary>
    /// For tests where a member's unit must commit while its revocation waits: the development broker ends a rebalance
    /// round session.timeout.ms - 1000 after it began and drops a member that has not rejoined by then (a real broker
    /// waits up to max.poll.interval.ms). With the tests' 2 s sessions, a unit that took over a second to commit on a
    /// loaded machine got its member dropped ("Unknown member") and its partitions, all of them, started over elsewhere.
    /// </summary>
    private static readonly Dictionary<string, string?> SlowRebalances = new()
    {
        ["LogPipe:Kafka:Consumer:session.timeout.ms"] = "6000",
        ["LogPipe:Kafka:Consumer:heartbeat.interval.ms"] = "1000",
    };

    private async Task<KafkaApp> AppAsync(TemporaryDatabase db, IDictionary<string, string?>? settings = null, Probe? probe = null, bool start = true, bool groupOffsets = false)
    {
        var app = KafkaApp.Create(_cluster.BootstrapServers, _topic, _group, db, settings, probe, groupOffsets);
        _apps.Add(app);
        await app.EnsureDatabaseAsync();
        if (start) await app.StartAsync();
        return app;
    }

    private async Task<KafkaApp> ProducerAppAsync(TemporaryDatabase db) =>
        await AppAsync(db, new Dictionary<string, string?> { ["LogPipe:EnableConsumers"] = "false" });

    private static async Task<IReadOnlyList<RecordPositionView>> SendAsync(KafkaApp app, IReadOnlyList<Person> people)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();
        var positions = await producer.SendBatchAsync(people);
        return positions.Select(p => new RecordPositionView(p.Partition, p.Offset)).ToList();
    }

    private long[] EndOffsets()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(_cluster.BootstrapServers, KafkaTestCluster.NewName("probe"))).Build();
        return Enumerable.Range(0, Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(_topic, p), TimeSpan.FromSeconds(10)).High.Value)
            .ToArray();
    }

    private async Task AssertExactlyOnceAsync(KafkaApp app, IReadOnlyCollection<Person> sent)
    {
        await Eventually.TrueAsync(async () => await app.PeopleCountAsync() >= sent.Count, TimeSpan.FromSeconds(90), "all people replicated");
        var people = await app.PeopleAsync();
        Assert.Equal(sent.Select(p => p.Uuid).Order(), people.Select(p => p.Uuid).Order());
        Assert.All(people, p => Assert.Equal(1, p.Applied));
        var ends = EndOffsets();
        await Eventually.TrueAsync(
            async () => (await app.CheckpointsAsync()).Where(c => c.Stream == _topic).OrderBy(c => int.Parse(c.Partition)).Select(c => c.NextOffset).SequenceEqual(ends.Where(e => e > 0)),
            TimeSpan.FromSeconds(30),
            "stored offsets reach the log end");
    }

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
            Assert.Equal(KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(people[i].Uuid.ToString()), Partitions).ToString(), positions[i].Partition);
        }

        // A Django service writing version 1 shares the topic.
        var v1 = People.Many(50);
        using (var raw = new ProducerBuilder<string, string>(KafkaTestCluster.ProducerConfig(_cluster.BootstrapServers)).Build())
        {
            foreach (var p in v1)
            {
                await raw.ProduceAsync(_topic, new Message<string, string>
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
    public async Task Instances_of_one_group_share_partitions_and_apply_every_record_exactly_once(string database, int instances)
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
    public async Task A_member_that_loses_its_partitions_mid_unit_cannot_commit_them()
    {
        var db = await DatabaseAsync("postgres");
        using var stuck = new SemaphoreSlim(0);
        var slowProbe = new Probe { SaveGate = stuck };

        // A stops polling while its unit is stuck, so the group moves its partitions to B after max.poll.interval.ms.
        // (Its read-ahead pauses after half of it; a revocation waits for the unit no longer than that.)
        var a = await AppAsync(db, new Dictionary<string, string?> { ["LogPipe:Kafka:Consumer:max.poll.interval.ms"] = "3000" }, slowProbe);
        var people = People.Many(300);
        await SendAsync(a, people);
        await slowProbe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var b = await AppAsync(db);
        await AssertExactlyOnceAsync(b, people);

        // A's source reads ahead on a thread of its own, which would keep A in the group for good: it stopped polling once
        // the unit had applied for half of max.poll.interval.ms, so that librdkafka took A out as before.
        Assert.Contains(a.Logs.Entries, e => e.EventId.Id == LogEvents.ReadAheadPausedForLongUnit);

        // Let A finish its unit: its checkpoint write is fenced and everything it did rolls back.
        slowProbe.SaveGate = null;
        stuck.Release(1000);
        await Eventually.TrueAsync(() => a.Logs.Entries.Any(e => e.EventId.Id is LogEvents.CheckpointConflict or LogEvents.SaveFailedWillRetry), TimeSpan.FromSeconds(60), "A's unit was fenced or its save refused");
        await b.DisposeAsync();
        var stored = await a.PeopleAsync();
        Assert.Equal(300, stored.Count);
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
    }

    [Fact]
    public async Task A_rebalance_while_a_unit_applies_waits_for_it_so_group_offsets_hand_over_without_applying_anything_twice()
    {
        // Group offsets have no checkpoint versions to fence a late commit: only the order keeps records from being applied
        // twice. The source reads ahead on its own thread, so the rebalance comes while A's unit is stuck in its saves.
        var db = await DatabaseAsync("sqlite");
        using var stuck = new SemaphoreSlim(0);
        var slowProbe = new Probe { SaveGate = stuck };
        var a = await AppAsync(db, SlowRebalances, slowProbe, groupOffsets: true);
        var people = People.Many(300);
        await SendAsync(a, people);
        await slowProbe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var b = await AppAsync(db, SlowRebalances, groupOffsets: true);
        await Eventually.TrueAsync(() => a.Logs.Entries.Any(e => e.EventId.Id == LogEvents.RevocationWaitsForUnit), TimeSpan.FromSeconds(60), "A's revocation waits for its unit");
        Assert.DoesNotContain(a.Logs.Entries, e => e.EventId.Id == LogEvents.PartitionsRevoked);

        slowProbe.SaveGate = null;
        stuck.Release(1000);
        await Eventually.TrueAsync(() => a.Logs.Entries.Any(e => e.EventId.Id == LogEvents.PartitionsRevoked), TimeSpan.FromSeconds(60), "A's partitions were revoked once its unit committed");
        await Eventually.TrueAsync(() => b.Logs.Entries.Any(e => e.EventId.Id == LogEvents.PartitionsAssigned), TimeSpan.FromSeconds(60), "B was assigned partitions");
        var more = People.Many(300);
        await SendAsync(b, more);
        await Eventually.TrueAsync(async () => await a.PeopleCountAsync() >= 600, TimeSpan.FromSeconds(90), "everything replicated");
        var stored = await a.PeopleAsync();
        var twice = stored.Where(p => p.Applied != 1).ToList();
        if (twice.Count > 0)
        {
            // Seen once in a CI run and about one run in four next to two CPU hogs, not alone: what each member did.
            foreach (var (name, app) in new[] { ("A", a), ("B", b) })
            {
                foreach (var e in app.Logs.Entries) output.WriteLine($"{name} [{e.EventId.Id}] {e.Message} {e.Exception?.GetType().Name} {e.Exception?.Message}");
            }
        }

        Assert.Equal(people.Concat(more).Select(p => p.Uuid).Order(), stored.Select(p => p.Uuid).Order());
        Assert.True(twice.Count == 0, $"{twice.Count} people applied more than once, first {string.Join(", ", twice.Take(5).Select(p => p.FirstName))}");
        Assert.True(b.Probe.SaveCount<PersonSerializerV2>() > 0, "B applied records of the partitions it was given");
        Assert.DoesNotContain(a.Logs.Entries, e => e.EventId.Id == LogEvents.RevokedDuringLongUnit);
    }

    [Fact]
    public async Task A_group_commit_refused_during_a_revocation_is_made_before_the_partitions_are_handed_over()
    {
        // What the test above met about one run in four next to two CPU hogs: A's unit commits while its revocation waits,
        // and the broker refuses the unit's group commit because a rebalance is in progress. Left to "the next unit",
        // which never comes for partitions being handed over, B started them where the group's last commit left them.
        var db = await DatabaseAsync("sqlite");
        using var stuck = new SemaphoreSlim(0);
        var slowProbe = new Probe { SaveGate = stuck };
        var a = await AppAsync(db, SlowRebalances, slowProbe, groupOffsets: true);
        var people = People.Many(300);
        await SendAsync(a, people);
        await slowProbe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var b = await AppAsync(db, SlowRebalances, groupOffsets: true);
        await Eventually.TrueAsync(() => a.Logs.Entries.Any(e => e.EventId.Id == LogEvents.RevocationWaitsForUnit), TimeSpan.FromSeconds(60), "A's revocation waits for its unit");

        _cluster.Cluster.FailNextRequests(8 /* OffsetCommit */, ErrorCode.RebalanceInProgress);
        slowProbe.SaveGate = null;
        stuck.Release(1000);
        await Eventually.TrueAsync(() => b.Logs.Entries.Any(e => e.EventId.Id == LogEvents.PartitionsAssigned), TimeSpan.FromSeconds(60), "B was assigned partitions");
        var more = People.Many(300);
        await SendAsync(b, more);
        await Eventually.TrueAsync(async () => await a.PeopleCountAsync() >= 600, TimeSpan.FromSeconds(90), "everything replicated");

        var stored = await a.PeopleAsync();
        Assert.Equal(people.Concat(more).Select(p => p.Uuid).Order(), stored.Select(p => p.Uuid).Order());
        var twice = stored.Where(p => p.Applied != 1).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} people applied more than once, first {string.Join(", ", twice.Take(5).Select(p => p.FirstName))}");
        // The refusal hit A's unit. Whether that unit held records of the partitions being handed over depends on how the
        // read-ahead filled it; when it did, the revocation made the owed commit (event 2027), and without it those
        // records were applied twice (101 and 153 people in two runs).
        Assert.Contains(a.Logs.Entries, e => e.EventId.Id == LogEvents.GroupCommitFailed);
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
        _cluster.Cluster.SetBrokerDown(1);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself: a span of time, not a condition to wait for
        _cluster.Cluster.SetBrokerUp(1);
        await sending;
        await AssertExactlyOnceAsync(app, people);
    }

    [Fact]
    public async Task With_group_offsets_each_unit_commits_to_the_group_and_a_restart_resumes_there()
    {
        var db = await DatabaseAsync("sqlite");
        var first = await AppAsync(db, groupOffsets: true);
        var before = People.Many(150);
        await SendAsync(first, before);
        await Eventually.TrueAsync(async () => await first.PeopleCountAsync() == 150, TimeSpan.FromSeconds(60));
        await first.DisposeAsync();

        using (var probe = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(_cluster.BootstrapServers, _group)).Build())
        {
            var committed = probe.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(_topic, p)), TimeSpan.FromSeconds(10));
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
        _cluster.Cluster.DeleteRecords(_topic, 0, 6);
        var lost = new List<long>();
        using var listener = RetentionLossListener(lost);

        var second = await AppAsync(db);
        await Eventually.TrueAsync(async () => await second.PeopleCountAsync() == 6, TimeSpan.FromSeconds(60), "the records still in the log applied");

        var warning = Assert.Single(second.Logs.Entries, e => e.EventId.Id == LogEvents.CheckpointBelowLogStart);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal(_topic, warning.State["Topic"]);
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
                if (tag.Key == "messaging.destination.name" && Equals(tag.Value, _topic))
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
        using var raw = new ProducerBuilder<string, string>(KafkaTestCluster.ProducerConfig(_cluster.BootstrapServers)).Build();
        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var message = new Message<string, string>
            {
                Key = person.Uuid.ToString(),
                Value = $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{person.Uuid}}}","first_name":"{{{person.FirstName}}}","last_name":"{{{person.LastName}}}"}}""",
            };
            if (timestamps is not null) message.Timestamp = new Timestamp(timestamps[i], TimestampType.CreateTime);
            await raw.ProduceAsync(new TopicPartition(_topic, partition), message);
        }
    }

    private async Task<List<long>> RawTimestampsAsync(int partition, int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(_cluster.BootstrapServers, KafkaTestCluster.NewName("raw"))).Build();
        consumer.Assign(new TopicPartitionOffset(_topic, partition, Offset.Beginning));
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
        Assert.Contains(_topic, failure.Message, StringComparison.Ordinal);
        var stored = new[] { failure.Positions[0]!.Value, failure.Positions[2]!.Value };
        using var consumer = new ConsumerBuilder<byte[]?, string>(KafkaTestCluster.ConsumerConfig(_cluster.BootstrapServers, KafkaTestCluster.NewName("raw"))).Build();
        foreach (var (position, person) in stored.Zip([people[0], people[2]]))
        {
            consumer.Assign(new TopicPartitionOffset(_topic, int.Parse(position.Partition, System.Globalization.CultureInfo.InvariantCulture), position.Offset));
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
        using var consumer = new ConsumerBuilder<byte[]?, string>(KafkaTestCluster.ConsumerConfig(_cluster.BootstrapServers, KafkaTestCluster.NewName("raw"))).Build();
        consumer.Assign(new TopicPartitionOffset(_topic, int.Parse(positions[0].Partition), positions[0].Offset));
        var record = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Null(record.Message.Key);
        Assert.StartsWith("json:{\"type\":\"place\",\"version\":1,", record.Message.Value, StringComparison.Ordinal);
    }
}

internal readonly record struct RecordPositionView(string Partition, long Offset);
