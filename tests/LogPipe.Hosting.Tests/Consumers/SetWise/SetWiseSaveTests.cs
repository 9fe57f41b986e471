using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Consumers.SetWise;

/// <summary>
/// Serializers that implement <see cref="IBatchMessageSerializer{TMessage}"/>: a unit's messages are handed over as
/// batches in the unit's transaction, and a failing batch falls back to the per-record path.
/// </summary>
public sealed class SetWiseSaveTests : IAsyncLifetime
{
    private readonly string _db = TestApp.NewDatabasePath();
    private readonly SetSaveJournal _journal = new();
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _app = CreateApp(_db, null, _journal);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    internal static TestApp CreateApp(string sqlitePath, string? postgres, SetSaveJournal journal) => TestApp.Create(
        lp => lp.AddConsumer("people", c => c.Register<SetWisePersonSerializerV1>().Register<SetWisePersonSerializerV2>()),
        new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxRecords"] = "1000", ["LogPipe:Failures:MaxAttempts"] = "2" },
        sqlitePath,
        postgres: postgres,
        services: s => s.AddSingleton(journal));

    internal static void Append(TestApp app, int version, Guid uuid, string firstName, string lastName) =>
        app.Broker.Append("people", null, Encoding.UTF8.GetBytes(
            $$$"""json:{"type":"person","version":{{{version}}},"message":{"uuid":"{{{uuid}}}","first_name":"{{{firstName}}}","last_name":"{{{lastName}}}"{{{(version == 2 ? ",\"email\":null" : "")}}}}}"""));

    [Fact]
    public async Task A_units_messages_reach_the_serializer_as_one_batch_in_record_order_with_the_prefetched_instances()
    {
        var known = Guid.NewGuid();
        await _app.QueryAsync(async db =>
        {
            db.People.Add(new Person { Uuid = known, FirstName = "Old", LastName = "Known", Applied = 1 });
            return await db.SaveChangesAsync();
        });
        var uuids = Enumerable.Range(0, 9).Select(_ => Guid.NewGuid()).Prepend(known).ToList();
        foreach (var uuid in uuids) Append(_app, 2, uuid, "First", "Last");

        Assert.Equal(10, await _app.Runner.RunOnceAsync());

        var batch = Assert.Single(_journal.Batches);
        Assert.Equal(uuids, batch.Select(b => b.Uuid));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), batch.Select(b => b.Offset));
        Assert.Equal([true, .. Enumerable.Repeat(false, 9)], batch.Select(b => b.HadInstance));
        Assert.Equal((1, 0), (_journal.Prefetches, _journal.PerRecordSaves));
        var stored = await _app.PeopleAsync();
        Assert.Equal(10, stored.Count);
        Assert.Equal(("Last", 2), stored.Where(p => p.Uuid == known).Select(p => (p.LastName, p.Applied)).Single());
        Assert.Equal(10, (await _app.CheckpointsAsync()).Single().NextOffset);
    }

    [Fact]
    public async Task A_batch_commits_with_its_checkpoint_or_not_at_all()
    {
        foreach (var i in Enumerable.Range(0, 5)) Append(_app, 2, Guid.NewGuid(), "First", $"Last{i}");
        _app.Probe.FailCommits = 1;

        // The first commit fails: had the batch's rows survived without their checkpoint, saving the records again (one
        // by one, after a failed unit) would count every person twice.
        Assert.Equal(5, await _app.Runner.DrainAsync());

        Assert.Equal(0, _app.Probe.FailCommits);
        Assert.Equal(5, Assert.Single(_journal.Batches).Count);
        Assert.Equal(5, _journal.PerRecordSaves);
        var stored = await _app.PeopleAsync();
        Assert.Equal(5, stored.Count);
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
        Assert.Equal(5, (await _app.CheckpointsAsync()).Single().NextOffset);
    }

    [Fact]
    public async Task The_same_key_twice_in_a_unit_is_written_in_record_order_and_the_last_write_wins()
    {
        var joe = Guid.NewGuid();
        Append(_app, 2, joe, "Joe", "First");
        Append(_app, 2, Guid.NewGuid(), "Ann", "Other");
        Append(_app, 2, joe, "Joe", "Second");

        Assert.Equal(3, await _app.Runner.RunOnceAsync());

        Assert.Equal(["First", "Other", "Second"], Assert.Single(_journal.Batches).Select(b => b.LastName));
        var stored = (await _app.PeopleAsync()).Single(p => p.Uuid == joe);
        Assert.Equal(("Second", 2), (stored.LastName, stored.Applied));
    }

    [Fact]
    public async Task Runs_of_two_set_wise_serializers_are_saved_in_record_order()
    {
        var joe = Guid.NewGuid();
        Append(_app, 1, joe, "Joe", "A");
        Append(_app, 1, Guid.NewGuid(), "Ann", "B");
        Append(_app, 2, joe, "Joe", "C");
        Append(_app, 1, joe, "Joe", "D");

        Assert.Equal(4, await _app.Runner.RunOnceAsync());

        Assert.Equal(
            [(1, "A,B"), (2, "C"), (1, "D")],
            _journal.Batches.Select(b => (b[0].Version, string.Join(",", b.Select(i => i.LastName)))));
        Assert.Equal(("D", 3), (await _app.PeopleAsync()).Where(p => p.Uuid == joe).Select(p => (p.LastName, p.Applied)).Single());
    }

    [Fact]
    public async Task A_message_that_fails_validation_is_dead_lettered_and_left_out_of_the_batch()
    {
        var bad = Guid.NewGuid();
        Append(_app, 1, Guid.NewGuid(), "Ann", "A");
        Append(_app, 1, bad, "", "B");
        Append(_app, 1, Guid.NewGuid(), "Bob", "C");

        Assert.Equal(3, await _app.Runner.RunOnceAsync());

        Assert.Equal(["A", "C"], Assert.Single(_journal.Batches).Select(b => b.LastName));
        Assert.Equal(2, (await _app.PeopleAsync()).Count);
        Assert.Equal("ValidationFailed", Assert.Single(await _app.DeadLettersAsync()).ErrorKind);
        Assert.Equal(3, (await _app.CheckpointsAsync()).Single().NextOffset);
    }
}
