using System.Text;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Testing.Tests;

public sealed class HarnessTests
{
    private static readonly Guid Ann = Guid.Parse("0b6f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f");

    private static string AnnV1(string firstName = "Ann") => $$"""{"uuid":"{{Ann}}","first_name":"{{firstName}}","last_name":"Lee"}""";

    [Fact]
    public async Task A_sent_record_is_listed_with_its_topic_key_type_version_message_and_raw_bytes()
    {
        await using var app = await HarnessApp.CreateAsync();
        var joe = People.Joe();

        await app.Host.Services.GetRequiredService<IProducer<Person>>().SendAsync(joe, CancellationToken.None);

        var sent = Assert.Single(app.Harness.SentRecords);
        Assert.Equal("people", sent.Topic);
        Assert.Equal(joe.Uuid.ToString(), sent.Key);
        Assert.Equal(("json", "person", 2, "people-api"), (sent.Format, sent.MessageType, sent.Version, sent.Producer));
        Assert.StartsWith("json:{\"type\":\"person\",\"version\":2,", Encoding.UTF8.GetString(sent.Value), StringComparison.Ordinal);
        Assert.Equal($$"""{"uuid":"{{joe.Uuid}}","first_name":"Joe","last_name":"Schmoe","email":null}""", sent.MessageJson);
        Assert.Equal(new PersonV2(joe.Uuid, "Joe", "Schmoe", null), sent.Message<PersonV2>());
        Assert.Equal([new PersonV2(joe.Uuid, "Joe", "Schmoe", null)], app.Harness.Sent<PersonV2>());
        Assert.Empty(app.Harness.Sent<PersonV1>());
        Assert.Single(app.Harness.SentTo("people"));
        Assert.Empty(app.Harness.SentTo("places"));
    }

    [Fact]
    public async Task Typed_access_to_a_message_class_no_serializer_declares_names_the_class()
    {
        await using var app = await HarnessApp.CreateAsync();

        var error = Assert.Throws<ArgumentException>(() => app.Harness.Sent<Place>());

        Assert.Contains("Place", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_applies_what_was_sent_through_the_consumer_and_commits_its_checkpoint_in_the_service_database()
    {
        await using var app = await HarnessApp.CreateAsync();
        var joe = People.Joe();
        await app.Host.Services.GetRequiredService<IProducer<Person>>().SendAsync(joe, CancellationToken.None);

        Assert.Equal(1, await app.Harness.DrainAsync());

        Assert.Equal("Schmoe", Assert.Single(await app.PeopleAsync()).LastName);
        var checkpoint = Assert.Single(await app.QueryAsync(db => db.Set<LogPipeCheckpoint>().AsNoTracking().ToListAsync()));
        Assert.Equal(1, checkpoint.NextOffset);
        var applied = Assert.Single(app.Harness.AppliedRecords);
        Assert.Equal(("person", 2, true), (applied.MessageType, applied.Version, applied.IsApplied));
        Assert.Equal([new PersonV2(joe.Uuid, "Joe", "Schmoe", null)], app.Harness.Applied<PersonV2>());
        Assert.Empty(app.Harness.SkippedRecords);
        Assert.Equal(0, await app.Harness.DrainAsync());
    }

    [Theory]
    [InlineData("json", null)]
    [InlineData("json", "billing")]
    [InlineData("msgpack", null)]
    [InlineData("msgpack", "billing")]
    public async Task An_injected_django_record_is_applied_and_not_listed_as_sent(string format, string? producer)
    {
        await using var app = await HarnessApp.CreateAsync();

        var position = app.Harness.Inject("people", "person", 1, AnnV1(), format, producer, key: Ann.ToString());
        await app.Harness.DrainAsync();

        Assert.Equal(("people", 0L), (position.Stream, position.Offset));
        Assert.Equal(("Ann", "Lee"), Assert.Single(await app.PeopleAsync()) is var p ? (p.FirstName, p.LastName) : default);
        Assert.Equal([new PersonV1(Ann, "Ann", "Lee")], app.Harness.Applied<PersonV1>());
        Assert.Empty(app.Harness.SentRecords);
    }

    [Fact]
    public async Task Injected_raw_bytes_reach_the_consumer_exactly()
    {
        await using var app = await HarnessApp.CreateAsync();
        byte[] value = Encoding.UTF8.GetBytes("json:{\"type\":\"person\",\"version\":1,\"message\":" + AnnV1() + "}");

        app.Harness.InjectRaw("people", value, Ann.ToString(), [KeyValuePair.Create("origin", "django"u8.ToArray())]);
        await app.Harness.DrainAsync();

        var applied = Assert.Single(app.Harness.AppliedRecords);
        Assert.Equal(value, applied.Value);
        Assert.Equal(Ann.ToString(), applied.Key);
        Assert.Single(await app.PeopleAsync());
    }

    [Fact]
    public async Task Skipped_records_carry_their_reason_and_only_message_errors_are_dead_lettered()
    {
        await using var app = await HarnessApp.CreateAsync();
        app.Harness.InjectRaw("people", "pickle:gASVAAAAAAAAAAB9lC4="u8.ToArray());
        app.Harness.Inject("people", "person", 9, AnnV1());
        app.Harness.Inject("people", "place", 1, """{"uuid":"0b6f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f","name":"Home"}""");
        app.Harness.Inject("people", "person", 1, AnnV1(firstName: ""));

        Assert.Equal(4, await app.Harness.DrainAsync());

        Assert.Empty(app.Harness.AppliedRecords);
        Assert.Equal(
            [MessageErrorKind.UnknownFormat, MessageErrorKind.UnknownVersion, MessageErrorKind.IgnoredType, MessageErrorKind.ValidationFailed],
            app.Harness.SkippedRecords.Select(r => r.ErrorKind!.Value));
        Assert.All(app.Harness.SkippedRecords, r => Assert.StartsWith(r.ErrorKind + ": ", r.Reason, StringComparison.Ordinal));
        Assert.Equal(
            [MessageErrorKind.UnknownFormat, MessageErrorKind.UnknownVersion, MessageErrorKind.ValidationFailed],
            app.Harness.DeadLettered.Select(d => d.ErrorKind));
        Assert.Equal(app.Harness.ConsumedRecords.Count, app.Harness.SkippedRecords.Count);
    }

    [Fact]
    public async Task A_save_that_keeps_failing_is_dead_lettered_as_save_failed_after_its_attempts()
    {
        await using var app = await HarnessApp.CreateAsync(settings: new Dictionary<string, string?> { ["LogPipe:Failures:MaxAttempts"] = "2" });
        app.Probe.FailSaves = int.MaxValue;
        app.Harness.Inject("people", "person", 1, AnnV1());

        await app.Harness.DrainAsync();

        var deadLetter = Assert.Single(app.Harness.DeadLettered);
        Assert.Equal((MessageErrorKind.SaveFailed, 2, "person", 1), (deadLetter.ErrorKind, deadLetter.Attempts, deadLetter.MessageType, deadLetter.Version));
        Assert.Contains("simulated save failure", deadLetter.Error, StringComparison.Ordinal);
        Assert.Equal(MessageErrorKind.SaveFailed, Assert.Single(app.Harness.SkippedRecords).ErrorKind);
    }

    [Fact]
    public async Task Clearing_forgets_consumed_records_but_not_the_log()
    {
        await using var app = await HarnessApp.CreateAsync();
        app.Harness.Inject("people", "person", 1, AnnV1());
        await app.Harness.DrainAsync();

        app.Harness.ClearConsumed();

        Assert.Empty(app.Harness.ConsumedRecords);
        Assert.Equal(new long[] { 1 }, app.Harness.Broker.EndOffsets("people"));
    }

    [Fact]
    public async Task Records_sent_through_the_outbox_appear_as_sent_once_drain_relayed_them_and_are_then_applied()
    {
        await using var app = await HarnessApp.CreateAsync(outbox: true);
        var joe = People.Joe();
        await using (var scope = app.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(joe, CancellationToken.None);
            await db.SaveChangesAsync();
        }

        Assert.Empty(app.Harness.SentRecords);
        await app.Harness.DrainAsync();

        var sent = Assert.Single(app.Harness.SentRecords);
        Assert.Equal(("person", 2), (sent.MessageType, sent.Version));
        Assert.Contains(sent.Headers, h => h.Key == "logpipe-outbox-source");
        Assert.Equal([new PersonV2(joe.Uuid, "Joe", "Schmoe", null)], app.Harness.Applied<PersonV2>());
        Assert.Equal(0, await app.QueryAsync(db => db.Set<LogPipe.Hosting.EntityFrameworkCore.LogPipeOutboxEntry>().CountAsync()));
    }

    [Fact]
    public async Task The_configured_transport_is_replaced_and_the_hosted_consumer_stays_idle()
    {
        await using var app = await HarnessApp.CreateAsync();
        await app.Host.StartAsync();
        try
        {
            app.Harness.Inject("people", "person", 1, AnnV1());
            var runner = app.Host.Services.GetRequiredService<LogPipe.Hosting.Consumers.LogPipeConsumerRunner>();

            // Started, the host would have applied the record by itself if its consumer service ran; the harness leaves that to DrainAsync.
            Assert.Equal(LogPipe.Hosting.Consumers.ConsumerRunnerState.NotStarted, runner.Status.State);
            Assert.Empty(await app.PeopleAsync());
            await app.Harness.DrainAsync();
            Assert.Single(await app.PeopleAsync());
            Assert.StartsWith("EntityFrameworkCheckpointStore", app.Host.Services.GetRequiredService<ICheckpointStore>().GetType().Name, StringComparison.Ordinal);
        }
        finally
        {
            await app.Host.StopAsync();
        }
    }
}
