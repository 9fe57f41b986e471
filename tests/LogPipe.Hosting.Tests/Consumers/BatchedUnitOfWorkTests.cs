using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>The fast path: serializers that allow batched saves are applied against the change tracker and flushed once.</summary>
public sealed class BatchedUnitOfWorkTests : IAsyncLifetime
{
    private readonly string _db = TestApp.NewDatabasePath();
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>()),
            new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxRecords"] = "1000" },
            _db);
        _app.Probe.Batched = true;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private async Task SendAsync(IEnumerable<Person> people)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(people);
    }

    [Fact]
    public async Task A_batched_unit_prefetches_once_and_sees_its_own_earlier_records()
    {
        var people = People.Many(200);
        await SendAsync(people);
        var joe = people[7];
        joe.LastName = "Updated";
        await SendAsync([joe]);
        Assert.Equal(201, await _app.Runner.RunOnceAsync());
        Assert.Equal((1, 201), (_app.Probe.Prefetches, _app.Probe.PrefetchedMessages));
        var stored = await _app.PeopleAsync();
        Assert.Equal(200, stored.Count);
        var updated = stored.Single(p => p.Uuid == joe.Uuid);
        Assert.Equal(("Updated", 2), (updated.LastName, updated.Applied));
        Assert.Equal(201, (await _app.CheckpointsAsync()).Single().NextOffset);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.EventId.Id == LogEvents.BatchFellBack);
    }

    [Fact]
    public async Task Message_errors_in_a_batch_are_dead_lettered_with_the_batch()
    {
        await SendAsync(People.Many(10));
        _app.Broker.Append("people", null, Encoding.UTF8.GetBytes("""json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"","last_name":"X"}}"""));
        await SendAsync(People.Many(10));
        Assert.Equal(21, await _app.Runner.DrainAsync());
        Assert.Equal(20, (await _app.PeopleAsync()).Count);
        Assert.Equal("ValidationFailed", Assert.Single(await _app.DeadLettersAsync()).ErrorKind);
    }

    [Fact]
    public async Task A_save_failure_in_a_batch_rolls_it_back_and_the_records_are_applied_one_by_one()
    {
        var people = People.Many(50);
        _app.Probe.FailTimes[people[20].Uuid] = 1;
        await SendAsync(people);
        Assert.Equal(50, await _app.Runner.DrainAsync());
        var stored = await _app.PeopleAsync();
        Assert.Equal(50, stored.Count);
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
        Assert.Contains(_app.Logs.Entries, e => e.EventId.Id == LogEvents.BatchFellBack);
    }

    [Fact]
    public async Task A_flush_that_fails_on_a_key_clash_falls_back_and_applies_exactly_once()
    {
        // A lookup that cannot see the unit's own inserts makes the batch insert one person twice; the unique index
        // refuses it at flush, the batch rolls back, and record-by-record application gets it right.
        _app.Probe.LookupIgnoresLocal = true;
        var joe = People.Joe(Guid.NewGuid());
        await SendAsync([joe, joe, .. People.Many(5)]);
        Assert.Equal(7, await _app.Runner.DrainAsync());
        var stored = await _app.PeopleAsync();
        Assert.Equal(6, stored.Count);
        Assert.Equal(2, stored.Single(p => p.Uuid == joe.Uuid).Applied);
        Assert.Contains(_app.Logs.Entries, e => e.EventId.Id == LogEvents.BatchFellBack);
    }
}
