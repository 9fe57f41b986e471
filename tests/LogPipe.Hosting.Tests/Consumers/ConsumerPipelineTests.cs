using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>The order of checks and every outcome of BRIEF §4, on the in-memory transport with checkpoints in SQLite.</summary>
public sealed class ConsumerPipelineTests : IAsyncLifetime
{
    private const string JoeV1 = """json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"}}""";
    private readonly string _db = TestApp.NewDatabasePath();
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _app = App();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private TestApp App(IDictionary<string, string?>? settings = null) => TestApp.Create(
        lp => lp
            .AddProducer<Person, PersonSerializerV2>("people")
            .AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>().Ignore("place")),
        settings,
        _db);

    private void Append(string value) => _app.Broker.Append("people", null, Encoding.UTF8.GetBytes(value));

    private async Task<long> StoredNextOffsetAsync() => (await _app.CheckpointsAsync()).Single().NextOffset;

    [Fact]
    public async Task Normal_consume_applies_once_and_a_second_run_applies_nothing()
    {
        Append(JoeV1);
        Assert.Equal(1, await _app.Runner.DrainAsync());
        Assert.Equal(0, await _app.Runner.DrainAsync());
        var joe = Assert.Single(await _app.PeopleAsync());
        Assert.Equal(("Joe", "Schmoe", 1), (joe.FirstName, joe.LastName, joe.Applied));
        Assert.Equal(1, await StoredNextOffsetAsync());
    }

    [Fact]
    public async Task A_restarted_consumer_resumes_after_the_stored_checkpoint()
    {
        Append(JoeV1);
        await _app.Runner.DrainAsync();
        await _app.DisposeAsync();
        var broker = _app.Broker;
        _app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>()),
            databasePath: _db,
            broker: broker);
        Assert.Equal(0, await _app.Runner.DrainAsync());
        Assert.Equal(1, Assert.Single(await _app.PeopleAsync()).Applied);
    }

    [Fact]
    public async Task Records_sent_through_the_producer_are_applied_by_version_and_updates_find_the_instance()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();
            var joe = People.Joe();
            joe.Email = "joe@example.com";
            await producer.SendAsync(joe);
            joe.LastName = "Schmoe-Smith";
            await producer.SendAsync(joe);
        }

        Assert.Equal(2, await _app.Runner.DrainAsync());
        var stored = Assert.Single(await _app.PeopleAsync());
        Assert.Equal(("Schmoe-Smith", "joe@example.com", 2), (stored.LastName, stored.Email, stored.Applied));
        Assert.Equal(2, _app.Probe.SaveCount<PersonSerializerV2>());
        Assert.Equal(0, _app.Probe.SaveCount<PersonSerializerV1>());
    }

    [Theory]
    [InlineData("""json:{"version":1,"message":{}}""", "type")]
    [InlineData("""json:{"type":"person","message":{}}""", "version")]
    [InlineData("""json:{"type":"person","version":1}""", "message")]
    public async Task Envelope_missing_a_key_is_invalid_dead_lettered_and_the_offset_moves_on(string value, string missing)
    {
        Append(value);
        Append(JoeV1);
        Assert.Equal(2, await _app.Runner.DrainAsync());
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal(nameof(MessageErrorKind.InvalidEnvelope), dead.ErrorKind);
        Assert.Contains(missing, dead.Error, StringComparison.Ordinal);
        Assert.Equal(value, Encoding.UTF8.GetString(dead.Value));
        Assert.Equal((0L, "people", "0", "tests"), (dead.Offset, dead.Stream, dead.Partition, dead.ConsumerGroup));
        Assert.Single(await _app.PeopleAsync());
        Assert.Equal(2, await StoredNextOffsetAsync());
    }

    [Theory]
    [InlineData("garbage without a prefix", nameof(MessageErrorKind.Undecodable))]
    [InlineData("", nameof(MessageErrorKind.Undecodable))]
    [InlineData("json:{\"type\":", nameof(MessageErrorKind.Undecodable))]
    [InlineData("pickle:\u0080\u0003}q\u0000.", nameof(MessageErrorKind.UnknownFormat))]
    [InlineData("xml:<person/>", nameof(MessageErrorKind.UnknownFormat))]
    [InlineData("""json:{"type":"person","version":1,"message":{"uuid":"not-a-uuid","first_name":"A","last_name":"B"}}""", nameof(MessageErrorKind.InvalidMessage))]
    public async Task Undecodable_or_malformed_records_are_skipped_kept_and_never_stop_the_consumer(string value, string kind)
    {
        Append(value);
        Append(JoeV1);
        Assert.Equal(2, await _app.Runner.DrainAsync());
        Assert.Equal(kind, Assert.Single(await _app.DeadLettersAsync()).ErrorKind);
        Assert.Single(await _app.PeopleAsync());
    }

    [Fact]
    public async Task Unknown_type_is_dead_lettered_and_no_serializer_is_constructed()
    {
        Append("""json:{"type":"planet","version":1,"message":{"name":"Mars"}}""");
        Assert.Equal(1, await _app.Runner.DrainAsync());
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.UnknownType), "planet", 1), (dead.ErrorKind, dead.MessageType, dead.Version));
        Assert.Empty(_app.Probe.Constructed);
        Assert.Equal(1, await StoredNextOffsetAsync());
    }

    [Fact]
    public async Task Unknown_version_is_skipped_and_offset_moves_on()
    {
        Append("""json:{"type":"person","version":3,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41"}}""");
        Assert.Equal(1, await _app.Runner.DrainAsync());
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal(nameof(MessageErrorKind.UnknownVersion), dead.ErrorKind);
        Assert.Contains("registered versions: 1, 2", dead.Error, StringComparison.Ordinal);
        Assert.Empty(_app.Probe.Constructed);
        Assert.Equal(1, await StoredNextOffsetAsync());
    }

    [Fact]
    public async Task Validation_failure_is_dead_lettered_and_save_is_never_called()
    {
        Append("""json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"","last_name":"Schmoe"}}""");
        Assert.Equal(1, await _app.Runner.DrainAsync());
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal(nameof(MessageErrorKind.ValidationFailed), dead.ErrorKind);
        Assert.Contains("FirstName", dead.Error, StringComparison.Ordinal);
        Assert.Equal(0, _app.Probe.SaveCount<PersonSerializerV1>());
        Assert.Empty(await _app.PeopleAsync());
    }

    [Fact]
    public async Task Ignored_type_is_skipped_without_constructing_a_serializer_or_keeping_a_dead_letter()
    {
        Append("""json:{"type":"place","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","name":"Home"}}""");
        Assert.Equal(1, await _app.Runner.DrainAsync());
        Assert.Empty(await _app.DeadLettersAsync());
        Assert.Empty(_app.Probe.Constructed);
        Assert.Equal(1, await StoredNextOffsetAsync());
        Assert.Contains(_app.Logs.Entries, e => e.EventId.Id == LogEvents.IgnoredType && e.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task Message_errors_are_logged_with_topic_partition_offset_type_and_version()
    {
        Append(JoeV1);
        Append("""json:{"type":"person","version":9,"message":{}}""");
        await _app.Runner.DrainAsync();
        var entry = Assert.Single(_app.Logs.Entries, e => e.EventId.Id == LogEvents.MessageError);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("people", entry.State["Topic"]);
        Assert.Equal("0", entry.State["Partition"]);
        Assert.Equal(1L, entry.State["Offset"]);
        Assert.Equal("person", entry.State["MessageType"]);
        Assert.Equal(9, entry.State["Version"]);
        Assert.Equal(MessageErrorKind.UnknownVersion, entry.State["ErrorKind"]);
    }

    [Fact]
    public async Task Msgpack_and_json_records_on_one_topic_are_both_applied()
    {
        await using var msgpackApp = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV1>("people"),
            new Dictionary<string, string?> { ["LogPipe:DefaultFormat"] = "msgpack" },
            broker: _app.Broker,
            entityFrameworkOffsets: false);
        await using (var scope = msgpackApp.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(People.Joe(Guid.NewGuid()));
        }

        Append(JoeV1);
        Assert.Equal(2, await _app.Runner.DrainAsync());
        Assert.Equal(2, (await _app.PeopleAsync()).Count);
        Assert.Empty(await _app.DeadLettersAsync());
    }

    [Fact]
    public async Task Save_failure_is_retried_with_backoff_and_then_succeeds_once()
    {
        _app.Probe.FailSaves = 2;
        Append(JoeV1);
        Assert.Equal(1, await _app.Runner.DrainAsync());
        Assert.Equal(1, Assert.Single(await _app.PeopleAsync()).Applied);
        Assert.Equal(3, _app.Probe.SaveCount<PersonSerializerV1>());
        Assert.Equal(2, _app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.SaveFailedWillRetry));
        Assert.Empty(await _app.DeadLettersAsync());
    }

    [Fact]
    public async Task Save_failing_past_the_budget_is_dead_lettered_under_the_default_policy_and_later_records_go_on()
    {
        await _app.DisposeAsync();
        _app = App(new Dictionary<string, string?> { ["LogPipe:Failures:MaxAttempts"] = "3" });
        _app.Probe.FailSaves = 3;
        Append(JoeV1);
        Append(JoeV1.Replace("Joe", "Jim", StringComparison.Ordinal).Replace("de66ef2e", "11111111", StringComparison.Ordinal));
        Assert.Equal(2, await _app.Runner.DrainAsync());
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 3, 0L), (dead.ErrorKind, dead.Attempts, dead.Offset));
        Assert.Contains("simulated save failure", dead.Error, StringComparison.Ordinal);
        Assert.Equal(JoeV1, Encoding.UTF8.GetString(dead.Value));
        Assert.Equal("Jim", Assert.Single(await _app.PeopleAsync()).FirstName);
        Assert.Equal(2, await StoredNextOffsetAsync());
    }

    [Fact]
    public async Task Stop_policy_stops_the_consumer_without_moving_the_checkpoint()
    {
        await _app.DisposeAsync();
        _app = App(new Dictionary<string, string?> { ["LogPipe:Failures:MaxAttempts"] = "2", ["LogPipe:Failures:Policy"] = "Stop" });
        Append(JoeV1);
        Append(JoeV1);
        _app.Probe.FailSaves = int.MaxValue;
        var stopped = await Assert.ThrowsAsync<ConsumerStoppedException>(() => _app.Runner.DrainAsync());
        Assert.Equal((0L, 2), (stopped.Offset, stopped.Attempts));
        Assert.Empty(await _app.CheckpointsAsync());
        Assert.Empty(await _app.DeadLettersAsync());

        // After a fix (here: saves stop failing) a restarted consumer applies the record.
        var broker = _app.Broker;
        await _app.DisposeAsync();
        _app = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()), databasePath: _db, broker: broker);
        Assert.Equal(2, await _app.Runner.DrainAsync());
        Assert.Equal(2, Assert.Single(await _app.PeopleAsync()).Applied);
    }

    [Fact]
    public async Task Throw_errors_policy_raises_message_errors_and_keeps_the_checkpoint()
    {
        await _app.DisposeAsync();
        _app = App(new Dictionary<string, string?> { ["LogPipe:Failures:ThrowErrors"] = "true" });
        Append(JoeV1);
        Append("""json:{"type":"person","version":7,"message":{}}""");
        var error = await Assert.ThrowsAsync<InvalidMessageException>(() => _app.Runner.DrainAsync());
        Assert.Equal(MessageErrorKind.UnknownVersion, error.Kind);
        Assert.Empty(await _app.CheckpointsAsync());
        Assert.Empty(await _app.PeopleAsync());
    }

    [Fact]
    public async Task A_crash_between_save_and_commit_leaves_no_effect_and_the_retry_applies_exactly_once()
    {
        Append(JoeV1);
        _app.Probe.ThrowAfterWriting = true;
        var first = await _app.Runner.RunOnceAsync();
        Assert.Equal(0, first);
        Assert.Empty(await _app.PeopleAsync());
        Assert.Empty(await _app.CheckpointsAsync());

        _app.Probe.ThrowAfterWriting = false;
        Assert.Equal(1, await _app.Runner.DrainAsync());
        Assert.Equal(1, Assert.Single(await _app.PeopleAsync()).Applied);
        Assert.Equal(1, await StoredNextOffsetAsync());
    }

    [Fact]
    public async Task A_failing_record_in_a_unit_keeps_the_records_before_it_and_is_retried_alone()
    {
        var uuids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var uuid in uuids) Append(JoeV1.Replace("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41", uuid.ToString(), StringComparison.Ordinal));
        _app.Probe.FailTimes[uuids[2]] = 2;
        Assert.Equal(5, await _app.Runner.DrainAsync());
        var people = await _app.PeopleAsync();
        Assert.Equal(uuids, people.Select(p => p.Uuid));
        Assert.All(people, p => Assert.Equal(1, p.Applied));
        Assert.Equal(7, _app.Probe.SaveCount<PersonSerializerV1>());
    }

    [Fact]
    public async Task A_failed_commit_after_a_record_was_put_back_for_a_retry_takes_back_only_the_records_it_applied()
    {
        // Record 1 fails once and is put back for a retry; then the commit of record 0 fails. Only record 0 goes back
        // again: records 1 and 2 are already back, and taking them twice would apply them twice.
        var uuids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var uuid in uuids) Append(JoeV1.Replace("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41", uuid.ToString(), StringComparison.Ordinal));
        _app.Probe.FailTimes[uuids[1]] = 1;
        _app.Probe.FailCommits = 1;
        Assert.Equal(3, await _app.Runner.DrainAsync());
        var people = await _app.PeopleAsync();
        Assert.Equal(uuids, people.Select(p => p.Uuid));
        Assert.All(people, p => Assert.Equal(1, p.Applied));
        Assert.Equal(0, _app.Probe.FailCommits);
        Assert.Equal(3, await StoredNextOffsetAsync());
    }

    [Fact]
    public async Task The_service_reads_the_next_unit_while_one_commits_and_a_failed_commit_puts_both_back_in_order()
    {
        await _app.DisposeAsync();
        _app = App(new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxRecords"] = "3" });
        Assert.True(_app.Checkpoints.SupportsOverlappedCommits);
        var uuids = Enumerable.Range(0, 9).Select(_ => Guid.NewGuid()).ToList();
        foreach (var uuid in uuids) Append(JoeV1.Replace("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41", uuid.ToString(), StringComparison.Ordinal));

        // The first unit's commit fails while the service already holds the second unit: the second goes back first,
        // then the first in front of it, so records are applied in offset order (people get ids in that order) and once.
        _app.Probe.FailCommits = 1;
        await _app.Host.StartAsync();
        await Eventually.TrueAsync(async () => (await _app.CheckpointsAsync()).SingleOrDefault()?.NextOffset == 9, TimeSpan.FromSeconds(30));
        await _app.Host.StopAsync();
        var people = await _app.PeopleAsync();
        Assert.Equal(uuids, people.Select(p => p.Uuid));
        Assert.All(people, p => Assert.Equal(1, p.Applied));
        Assert.Equal(0, _app.Probe.FailCommits);
        Assert.Single(_app.Logs.Entries, e => e.EventId.Id == LogEvents.UnitAbandoned);
    }

    [Fact]
    public async Task Min_message_lag_holds_a_record_until_it_is_old_enough()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var broker = new InMemory.InMemoryBroker(time);
        await _app.DisposeAsync();
        _app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
            new Dictionary<string, string?> { ["LogPipe:MinMessageLagMs"] = "5000" },
            _db,
            broker,
            time);
        Append(JoeV1);
        Assert.Equal(0, await _app.Runner.RunOnceAsync());
        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal(0, await _app.Runner.RunOnceAsync());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await _app.Runner.RunOnceAsync());
    }

    [Fact]
    public async Task A_unit_of_work_writes_one_checkpoint_per_partition_in_one_transaction()
    {
        var broker = new InMemory.InMemoryBroker();
        broker.CreateTopic("people", 4);
        await _app.DisposeAsync();
        _app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV2>()),
            new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxRecords"] = "1000" },
            _db,
            broker);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(People.Many(200));
        }

        Assert.Equal(200, await _app.Runner.RunOnceAsync());
        var checkpoints = await _app.CheckpointsAsync();
        Assert.Equal(4, checkpoints.Count);
        Assert.Equal(broker.EndOffsets("people"), checkpoints.OrderBy(c => c.Partition).Select(c => c.NextOffset).ToList());
        Assert.All(checkpoints, c => Assert.Equal(1, c.Version));
        Assert.Equal(200, (await _app.PeopleAsync()).Count);
    }
}
