using System.Text;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Operations.Tests;

/// <summary>
/// <see cref="LogPipeOperations"/> as a page inside the service gets it from <c>AddLogPipeOperations&lt;TDbContext&gt;()</c>:
/// on the service's own DbContext, consumer group and clock, with the rules the CLI applies.
/// </summary>
public sealed class ServiceOperationsTests : IAsyncDisposable
{
    private const string JoeV1 = """json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"}}""";
    private readonly string _db = TestApp.NewDatabasePath();
    private readonly InMemoryBroker _broker = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private TestApp? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private TestApp App()
    {
        _app ??= TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
            databasePath: _db,
            broker: _broker,
            time: _time,
            services: s => s.AddLogPipeOperations<TestDb>());
        return _app;
    }

    private LogPipeOperations Operations => App().Services.GetRequiredService<LogPipeOperations>();

    [Fact]
    public async Task The_service_lists_its_own_checkpoints_and_a_move_bumps_the_version_so_the_consumer_is_fenced()
    {
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV1));
        await App().Runner.DrainAsync();

        Assert.Equal("tests", Operations.ConsumerGroup);
        Assert.Contains(Path.GetFileName(_db), Operations.DatabaseDescription, StringComparison.Ordinal);
        var stored = Assert.Single(await Operations.ListCheckpointsAsync("tests", withLag: false));
        Assert.Equal(("people", 1L), (stored.Stream, stored.NextOffset));

        var move = await Operations.MoveOffsetAsync(new OffsetMoveRequest("tests", "people", stored.Partition) { Offset = 0 });

        Assert.Equal((stored.Transport, 1L, 0L), (move.Transport, move.Before!.NextOffset, move.Stored.NextOffset));
        Assert.Equal(stored.Version + 1, move.Stored.Version);
        Assert.Equal(_time.GetUtcNow(), move.Stored.UpdatedAt);
        Assert.Equal(0, Assert.Single(await App().CheckpointsAsync()).NextOffset);
    }

    [Fact]
    public async Task A_time_counts_as_a_target_so_a_time_with_an_offset_is_rejected_and_nothing_moves()
    {
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV1));
        await App().Runner.DrainAsync();
        var stored = Assert.Single(await Operations.ListCheckpointsAsync("tests", withLag: false));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Operations.MoveOffsetAsync(
            new OffsetMoveRequest("tests", "people", stored.Partition) { Offset = 0, Time = _time.GetUtcNow() }));

        Assert.Contains("Give exactly one of Offset, SequenceNumber, ToEnd, ToBeginning, Time.", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(await App().CheckpointsAsync()).NextOffset);
    }

    [Fact]
    public async Task A_replay_request_marks_only_the_selected_dead_letters_and_an_unknown_id_marks_none()
    {
        _broker.Append("people", null, Encoding.UTF8.GetBytes("garbage"));
        _broker.Append("people", null, Encoding.UTF8.GetBytes("pickle:x"));
        await App().Runner.DrainAsync();
        var letters = await Operations.ListDeadLettersAsync(DeadLetterSelection.Filter("tests", take: 1));
        Assert.Equal(2, letters.Total);
        var first = Assert.Single(letters.DeadLetters);

        var missing = await Assert.ThrowsAsync<OperationException>(() => Operations.RequestReplayAsync(DeadLetterSelection.ByIds([first.Id, 999_999])));
        Assert.Equal(OperationFailure.NotFound, missing.Failure);
        Assert.All(await App().DeadLettersAsync(), d => Assert.Null(d.ReplayRequestedAt));

        var marked = await Operations.RequestReplayAsync(DeadLetterSelection.ByIds([first.Id]));

        Assert.Equal(new MarkedDeadLetter(first.Id, first.Attempts), Assert.Single(marked));
        var rows = await App().DeadLettersAsync();
        Assert.Equal(_time.GetUtcNow(), rows.Single(d => d.Id == first.Id).ReplayRequestedAt);
        Assert.Null(rows.Single(d => d.Id != first.Id).ReplayRequestedAt);
    }

    [Fact]
    public async Task A_time_range_selects_the_dead_letters_dead_lettered_inside_it_with_paging_within_them()
    {
        var start = _time.GetUtcNow();
        _broker.Append("people", null, Encoding.UTF8.GetBytes("garbage 1"));
        await App().Runner.DrainAsync();
        _time.Advance(TimeSpan.FromHours(1));
        _broker.Append("people", null, Encoding.UTF8.GetBytes("garbage 2"));
        _broker.Append("people", null, Encoding.UTF8.GetBytes("garbage 3"));
        await App().Runner.DrainAsync();
        var all = (await App().DeadLettersAsync()).OrderBy(d => d.Id).Select(d => d.Id).ToList();
        Assert.Equal(3, all.Count);

        var later = await Operations.ListDeadLettersAsync(DeadLetterSelection.Filter("tests", take: 1, skip: 1).DeadLetteredBetween(start.AddMinutes(30), null));
        var earlier = await Operations.FindDeadLettersAsync(DeadLetterSelection.Filter("tests").DeadLetteredBetween(null, start.AddMinutes(30)));

        Assert.Equal((2, all[2]), (later.Total, Assert.Single(later.DeadLetters).Id));
        Assert.Equal([all[0]], earlier);
        var empty = Assert.Throws<OperationException>(() => DeadLetterSelection.Filter("tests").DeadLetteredBetween(start, start));
        Assert.Equal(OperationFailure.InvalidRequest, empty.Failure);
    }

    [Fact]
    public void An_unknown_error_kind_is_an_invalid_request_naming_the_kinds()
    {
        var error = Assert.Throws<OperationException>(() => DeadLetterSelection.Filter("tests", errorKind: "Broken"));

        Assert.Equal(OperationFailure.InvalidRequest, error.Failure);
        Assert.Contains("Unknown error kind 'Broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MessageErrorKind.UnknownVersion), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_is_live_by_the_services_clock_until_the_lease_duration_has_passed_without_a_renewal()
    {
        await App().QueryAsync(async db =>
        {
            db.Add(new LogPipeShardLease
            {
                ConsumerGroup = "tests",
                Transport = "kinesis:us-east-1",
                Stream = "people",
                Shard = "shardId-000000000000",
                Owner = "instance-a",
                LeaseCounter = 4,
                Epoch = 2,
                UpdatedAt = _time.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
        var request = new LeaseReleaseRequest("tests", "people");

        var refused = await Assert.ThrowsAsync<OperationException>(() => Operations.ReleaseLeasesAsync(request));
        Assert.Equal(OperationFailure.Refused, refused.Failure);
        Assert.Equal("instance-a", Assert.Single(await Operations.ListLeasesAsync("tests", "people")).Owner);

        _time.Advance(TimeSpan.FromSeconds(10));
        var release = await Operations.ReleaseLeasesAsync(request);

        Assert.Equal("instance-a", Assert.Single(release.Freed).Owner);
        var lease = Assert.Single(await Operations.ListLeasesAsync("tests", "people"));
        Assert.Equal((null, 3L, 5L), (lease.Owner, lease.Epoch, lease.Counter));
    }

    [Fact]
    public async Task The_outbox_page_counts_every_matching_entry_and_a_take_below_one_is_an_invalid_request()
    {
        var page = await Operations.ListOutboxAsync(setAside: null, take: 10);
        Assert.Equal((0, 0L), (page.Entries.Count, page.Total));
        Assert.Equal(0, (await Operations.OutboxStatisticsAsync()).Backlog);

        var error = await Assert.ThrowsAsync<OperationException>(() => Operations.ListOutboxAsync(setAside: null, take: 0));
        Assert.Equal(OperationFailure.InvalidRequest, error.Failure);
    }
}
