using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Cli.Tests;

/// <summary>
/// The operator's checkpoint move against a consumer committing at the same moment, on SQLite and PostgreSQL: whichever
/// write comes second is refused, so neither silently wins.
/// </summary>
public sealed class CheckpointEditorRaceTests : IDisposable
{
    private const string Group = "people-replica";
    private static readonly PartitionKey People0 = new("kafka", "people", "0");

    private readonly CliWorkspace _workspace = CliWorkspace.Create();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_consumer_commit_between_the_editors_read_and_write_is_reported_and_kept(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedAsync(nextOffset: 10, version: 3);
        var race = new BeforeCheckpointWrite(() => database.ConsumerCommitAsync(nextOffset: 12));

        var conflict = await Assert.ThrowsAsync<CheckpointConflictException>(() => database.Editor(race).SetAsync(People0, new Checkpoint(4), Group));

        Assert.True(race.Ran);
        Assert.Contains("expected version 3, found version 4", conflict.Message, StringComparison.Ordinal);
        Assert.Equal((12L, 4L), await database.StoredAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_first_consumer_commit_between_the_editors_read_and_insert_is_reported_and_kept(string provider)
    {
        var database = await DatabaseAsync(provider);
        var race = new BeforeCheckpointWrite(() => database.SeedAsync(nextOffset: 7, version: 1));

        var conflict = await Assert.ThrowsAsync<CheckpointConflictException>(() => database.Editor(race).SetAsync(People0, new Checkpoint(4), Group));

        Assert.True(race.Ran);
        Assert.Contains("expected no checkpoint, found version 1", conflict.Message, StringComparison.Ordinal);
        Assert.Equal((7L, 1L), await database.StoredAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_stale_expected_version_is_refused_and_the_current_one_moves_the_checkpoint(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedAsync(nextOffset: 10, version: 3);
        var editor = database.Editor();

        await Assert.ThrowsAsync<CheckpointConflictException>(() => editor.SetAsync(People0, new Checkpoint(4), expectedVersion: 2, Group));
        await Assert.ThrowsAsync<CheckpointConflictException>(() => editor.SetAsync(People0, new Checkpoint(4), expectedVersion: 0, Group));
        Assert.Equal((10L, 3L), await database.StoredAsync());

        var stored = await editor.SetAsync(People0, new Checkpoint(4), expectedVersion: 3, Group);
        Assert.Equal((4L, 4L), (stored.NextOffset, stored.Version));
        Assert.Equal((4L, 4L), await database.StoredAsync());
    }

    private async Task<Database> DatabaseAsync(string provider)
    {
        if (provider == "sqlite") return new Database(o => o.UseSqlite($"Data Source={_workspace.DatabasePath};Pooling=False"));
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var database = new Database(o => o.UseNpgsql(connectionString));
        await using var db = database.Context();
        await db.Database.EnsureCreatedAsync();
        return database;
    }

    /// <summary>One database, reached by the editor under test and, on connections of their own, by the "consumer".</summary>
    private sealed class Database(Action<DbContextOptionsBuilder> use)
    {
        public TestDb Context(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
        {
            var options = new DbContextOptionsBuilder<TestDb>();
            use(options);
            return new TestDb(options.AddInterceptors(interceptors).Options);
        }

        public CheckpointEditor<TestDb> Editor(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
        {
            var services = new ServiceCollection().AddScoped(_ => Context(interceptors)).BuildServiceProvider();
            return new CheckpointEditor<TestDb>(
                services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new LogPipeOptions { ConsumerGroup = Group }), TimeProvider.System);
        }

        public async Task SeedAsync(long nextOffset, long version)
        {
            await using var db = Context();
            db.Add(new LogPipeCheckpoint
            {
                ConsumerGroup = Group,
                Transport = People0.Transport,
                Stream = People0.Stream,
                Partition = People0.Partition,
                NextOffset = nextOffset,
                Version = version,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        /// <summary>What a consumer's unit of work does: the conditional write of its next position, one version on.</summary>
        public async Task ConsumerCommitAsync(long nextOffset)
        {
            await using var db = Context();
            var changed = await db.Set<LogPipeCheckpoint>().Where(c => c.ConsumerGroup == Group && c.Partition == People0.Partition)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextOffset, nextOffset).SetProperty(c => c.Version, c => c.Version + 1));
            Assert.Equal(1, changed);
        }

        public async Task<(long NextOffset, long Version)> StoredAsync()
        {
            await using var db = Context();
            var row = await db.Set<LogPipeCheckpoint>().AsNoTracking().SingleAsync();
            return (row.NextOffset, row.Version);
        }
    }
}
