using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>
/// The EF Core checkpoint store's conditional writes over several partitions, on SQLite (one prepared statement per
/// partition) and PostgreSQL (one batch per unit): values land, versions fence a stale writer, and the conflict names
/// exactly the partitions that moved on.
/// </summary>
public sealed class CheckpointStoreTests
{
    private static readonly PartitionKey[] Partitions = [.. Enumerable.Range(0, 4).Select(i => new PartitionKey("kafka", "people", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Writes_over_several_partitions_land_together_and_a_stale_writer_is_fenced_on_exactly_the_moved_partition(string database)
    {
        await using var services = await ServicesAsync(database);
        var a = Store(services);
        var b = Store(services);

        // First unit: no rows yet, so every checkpoint is inserted. Second unit: every one is a conditional update.
        Assert.Empty(await a.ReadAsync(Partitions, CancellationToken.None));
        await CommitAsync(services, a, Partitions.Select((p, i) => new CheckpointUpdate(p, new Checkpoint(10 + i))));
        await CommitAsync(services, a, Partitions.Select((p, i) => new CheckpointUpdate(p, new Checkpoint(100 + i, $"seq-{i}"))));
        var stored = await a.ReadAsync(Partitions, CancellationToken.None);
        Assert.Equal(Partitions.Select((_, i) => 100L + i), Partitions.Select(p => stored[p].NextOffset));
        Assert.Equal(Partitions.Select((_, i) => $"seq-{i}"), Partitions.Select(p => stored[p].SequenceNumber));
        Assert.All(await RowsAsync(services), r => Assert.Equal(2, r.Version));

        // B reads now; A then moves partition 2 on. B's unit over all four must fail naming partition 2 only, and keep
        // none of its writes (the other three were in the same transaction).
        await b.ReadAsync(Partitions, CancellationToken.None);
        await CommitAsync(services, a, [new CheckpointUpdate(Partitions[2], new Checkpoint(500))]);
        var conflict = await Assert.ThrowsAsync<CheckpointConflictException>(
            () => CommitAsync(services, b, Partitions.Select(p => new CheckpointUpdate(p, new Checkpoint(900)))));
        Assert.Equal([Partitions[2]], conflict.Partitions);
        var after = await a.ReadAsync(Partitions, CancellationToken.None);
        Assert.Equal([100L, 101L, 500L, 103L], Partitions.Select(p => after[p].NextOffset));

        // A keeps writing: its versions are still current everywhere.
        await CommitAsync(services, a, Partitions.Select(p => new CheckpointUpdate(p, new Checkpoint(1000))));
        Assert.All(await RowsAsync(services), r => Assert.Equal(1000, r.NextOffset));
    }

    private static EntityFrameworkCheckpointStore<TestDb> Store(ServiceProvider services) =>
        new(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<IOptions<LogPipeOptions>>());

    private static async Task CommitAsync(ServiceProvider services, ICheckpointStore store, IEnumerable<CheckpointUpdate> updates)
    {
        await using var scope = services.CreateAsyncScope();
        await using var work = await store.BeginAsync(scope.ServiceProvider, CancellationToken.None);
        await work.CommitAsync([.. updates], CancellationToken.None);
    }

    private static async Task<List<LogPipeCheckpoint>> RowsAsync(ServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDb>().Set<LogPipeCheckpoint>().AsNoTracking().ToListAsync();
    }

    private static async Task<ServiceProvider> ServicesAsync(string database)
    {
        var collection = new ServiceCollection();
        collection.AddOptions<LogPipeOptions>().Configure(o => o.ConsumerGroup = "checkpoint-tests");
        if (database == "postgres")
        {
            var connectionString = await PostgresServer.CreateDatabaseAsync();
            collection.AddDbContext<TestDb>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            var path = TestApp.NewDatabasePath();
            collection.AddDbContext<TestDb>(o => o.UseSqlite($"Data Source={path};Pooling=False"));
        }

        var services = collection.BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        return services;
    }
}
