using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.Kinesis.Tests.Transport;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>The lease fences the checkpoint write in the unit of work's own transaction, on SQLite and PostgreSQL.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class ShardLeaseFencingTests(KinesaliteFixture kinesalite)
{
    private static readonly PartitionKey Shard = new("kinesis:us-east-1", "fenced", "shardId-000000000000");

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_holder_whose_lease_was_taken_cannot_write_the_shards_checkpoint(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var group = "group-" + Guid.NewGuid().ToString("N")[..8];
        await using var stale = KinesisApp.Create(kinesalite, Shard.Stream, group, database, ProducerOnly);
        await using var taker = KinesisApp.Create(kinesalite, Shard.Stream, group, database, ProducerOnly);
        await stale.EnsureDatabaseAsync();
        var staleStore = stale.Services.GetRequiredService<ICheckpointStore>();
        var takerStore = taker.Services.GetRequiredService<ICheckpointStore>();

        await staleStore.ShardLeases!.AddAsync([Shard], CancellationToken.None);
        Assert.True(await staleStore.ShardLeases.TryTakeAsync((await staleStore.ShardLeases.ListAsync(Shard.Transport, Shard.Stream, CancellationToken.None)).Single(), CancellationToken.None));
        await staleStore.ReadAsync([Shard], CancellationToken.None);

        // The holder stalls (a long GC pause, a network partition); another instance judges the lease expired and takes it.
        await takerStore.ShardLeases!.AddAsync([Shard], CancellationToken.None);
        Assert.True(await takerStore.ShardLeases.TryTakeAsync((await takerStore.ShardLeases.ListAsync(Shard.Transport, Shard.Stream, CancellationToken.None)).Single(), CancellationToken.None));
        await takerStore.ReadAsync([Shard], CancellationToken.None);

        // No checkpoint was written meanwhile, so only the lease can refuse the stale holder's write.
        var refused = await Assert.ThrowsAsync<CheckpointConflictException>(() => CommitAsync(stale, staleStore, new Checkpoint(5, "stale")));
        Assert.Equal([Shard], refused.Partitions);
        // The refusal itself tells the stale holder: its reader drops the shard now, not at its next renewal.
        Assert.False(staleStore.ShardLeases.Holds(Shard));
        Assert.False(await staleStore.ShardLeases.RenewAsync(Shard, CancellationToken.None));

        await CommitAsync(taker, takerStore, new Checkpoint(3, "current"));
        var stored = Assert.Single(await taker.CheckpointsAsync());
        Assert.Equal("current", stored.SequenceNumber);
    }

    [Fact]
    public async Task The_in_memory_store_writes_a_leased_shards_checkpoint_only_while_holding_its_lease()
    {
        var store = new InMemoryCheckpointStore(Options.Create(new LogPipeOptions { ConsumerGroup = "in-memory-leases" }));
        var leases = store.ShardLeases!;
        await leases.AddAsync([Shard], CancellationToken.None);
        await store.ReadAsync([Shard], CancellationToken.None);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => CommitAsync(store, new Checkpoint(1, "not-held")));

        Assert.True(await leases.TryTakeAsync((await leases.ListAsync(Shard.Transport, Shard.Stream, CancellationToken.None)).Single(), CancellationToken.None));
        await CommitAsync(store, new Checkpoint(1, "held"));
        Assert.Equal("held", store.Get(Shard)?.SequenceNumber);

        await leases.ReleaseAsync(Shard, CancellationToken.None);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => CommitAsync(store, new Checkpoint(2, "released")));
        Assert.Equal("held", store.Get(Shard)?.SequenceNumber);
    }

    private static async Task CommitAsync(ICheckpointStore store, Checkpoint checkpoint)
    {
        await using var unit = await store.BeginAsync(new ServiceCollection().BuildServiceProvider(), CancellationToken.None);
        await unit.CommitAsync([new CheckpointUpdate(Shard, checkpoint)], CancellationToken.None);
    }

    private static Dictionary<string, string?> ProducerOnly => new() { ["LogPipe:EnableConsumers"] = "false" };

    private static async Task CommitAsync(KinesisApp app, ICheckpointStore store, Checkpoint checkpoint)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var unit = await store.BeginAsync(scope.ServiceProvider, CancellationToken.None);
        await unit.CommitAsync([new CheckpointUpdate(Shard, checkpoint)], CancellationToken.None);
    }
}
