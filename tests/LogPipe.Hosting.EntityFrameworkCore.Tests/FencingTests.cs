using System.Text;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

public sealed class FencingTests
{
    private static string Person(Guid uuid) =>
        $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{uuid}}}","first_name":"A","last_name":"B"}}""";

    [Fact]
    public async Task An_instance_whose_partition_moved_on_cannot_commit_and_rewinds_to_the_stored_checkpoint()
    {
        var db = TestApp.NewDatabasePath();
        var broker = new InMemory.InMemoryBroker();
        await using var a = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()), databasePath: db, broker: broker);
        await using var b = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()), databasePath: db, broker: broker);
        for (var i = 0; i < 10; i++) broker.Append("people", null, Encoding.UTF8.GetBytes(Person(Guid.NewGuid())));

        // Both start from the same (absent) checkpoint, as two members would around a rebalance.
        await a.Runner.StartAsync(CancellationToken.None);
        await b.Runner.StartAsync(CancellationToken.None);
        Assert.Equal(10, await a.Runner.RunOnceAsync());

        // B applied the same records in its transaction, but its checkpoint write is fenced: nothing it did is kept.
        Assert.Equal(0, await b.Runner.RunOnceAsync());
        Assert.Contains(b.Logs.Entries, e => e.EventId.Id == LogEvents.CheckpointConflict);
        var people = await a.PeopleAsync();
        Assert.Equal(10, people.Count);
        Assert.All(people, p => Assert.Equal(1, p.Applied));

        // After rewinding, B continues from A's checkpoint and applies only what is new.
        broker.Append("people", null, Encoding.UTF8.GetBytes(Person(Guid.NewGuid())));
        Assert.Equal(1, await b.Runner.DrainAsync());
        Assert.Equal(11, (await b.PeopleAsync()).Count);
        Assert.All(await b.PeopleAsync(), p => Assert.Equal(1, p.Applied));
        Assert.Equal(11, Assert.Single(await b.CheckpointsAsync()).NextOffset);
        TestApp.DeleteDatabase(db);
    }

    [Fact]
    public async Task A_stale_conditional_write_raises_a_conflict_naming_the_partition()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()), databasePath: db);
        var store = app.Checkpoints;
        var partition = new PartitionKey("memory", "people", "0");
        await store.ReadAsync([partition], CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        await using (var work = await store.BeginAsync(scope.ServiceProvider, CancellationToken.None))
        {
            await work.CommitAsync([new CheckpointUpdate(partition, new Checkpoint(5))], CancellationToken.None);
        }

        // A second store (another process) that read before the write is fenced.
        var other = new LogPipe.Hosting.EntityFrameworkCore.EntityFrameworkCheckpointStore<TestDb>(
            app.Services.GetRequiredService<Microsoft.Extensions.DependencyInjection.IServiceScopeFactory>(),
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LogPipe.Hosting.LogPipeOptions>>());
        await using (var scope = app.Services.CreateAsyncScope())
        await using (var work = await other.BeginAsync(scope.ServiceProvider, CancellationToken.None))
        {
            var conflict = await Assert.ThrowsAsync<CheckpointConflictException>(() => work.CommitAsync([new CheckpointUpdate(partition, new Checkpoint(3))], CancellationToken.None));
            Assert.Equal([partition], conflict.Partitions);
            Assert.Contains("memory/people/0", conflict.Message, StringComparison.Ordinal);
        }

        Assert.Equal(5, Assert.Single(await app.CheckpointsAsync()).NextOffset);
        TestApp.DeleteDatabase(db);
    }
}
