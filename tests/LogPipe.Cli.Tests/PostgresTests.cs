using System.Text;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Cli.Tests;

/// <summary>The tool against a real PostgreSQL server, with LogPipe's tables in their own schema.</summary>
public sealed class PostgresTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create(createDatabase: false);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Offsets_and_dead_letters_work_on_postgres_with_a_schema()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using (var db = new SchemaDb(new DbContextOptionsBuilder<SchemaDb>().UseNpgsql(connectionString).Options))
        {
            await db.Database.EnsureCreatedAsync();
            db.Add(new LogPipeCheckpoint { ConsumerGroup = CliWorkspace.Group, Transport = "kafka", Stream = "people", Partition = "0", NextOffset = 77, Version = 1 });
            db.Add(new LogPipeDeadLetter
            {
                ConsumerGroup = CliWorkspace.Group,
                Transport = "kafka",
                Stream = "people",
                Partition = "0",
                Offset = 5,
                Value = Encoding.UTF8.GetBytes(CliWorkspace.JoeV2),
                MessageType = "person",
                Version = 2,
                ErrorKind = "UnknownVersion",
                Error = "No serializer.",
                Attempts = 1,
            });
            await db.SaveChangesAsync();
        }

        string[] database = ["--provider", "postgres", "--connection-string", connectionString];
        var offsets = (await _workspace.RunAsync(["offsets", "list", .. database, "--schema", "logpipe"])).Expect(ExitCodes.Success);
        Assert.Matches(@"kafka\s+people\s+0\s+77\s+1", offsets.Out);

        var replay = (await _workspace.RunAsync(["dead-letters", "replay", "--kind", "UnknownVersion", .. database, "--schema", "logpipe"])).Expect(ExitCodes.Success);
        Assert.Contains("Marked 1 dead letter(s) of consumer group 'people-replica' for replay", replay.Out, StringComparison.Ordinal);
        var moved = (await _workspace.RunAsync(["offsets", "set", "-s", "people", "-p", "0", "--offset", "3", "--force", .. database, "--schema", "logpipe",
            "--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout", "2"])).Expect(ExitCodes.Unreachable);
        Assert.Contains("Cannot reach Kafka", moved.Error, StringComparison.Ordinal);

        var wrongSchema = (await _workspace.RunAsync(["dead-letters", "list", .. database])).Expect(ExitCodes.Usage);
        Assert.Contains("LogPipe's tables are not in the postgres database", wrongSchema.Error, StringComparison.Ordinal);

        await using (var db = new SchemaDb(new DbContextOptionsBuilder<SchemaDb>().UseNpgsql(connectionString).Options))
        {
            Assert.NotNull((await db.Set<LogPipeDeadLetter>().SingleAsync()).ReplayRequestedAt);
        }
    }

    [Fact]
    public async Task Leases_list_and_release_work_on_postgres_and_offsets_list_shows_no_lease_columns_without_the_lease_table()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddDbContext<TestDb>(o => o.UseNpgsql(connectionString))
            .AddLogPipe(lp => lp.UseEntityFrameworkOffsets<TestDb>(), o => o.ConsumerGroup = CliWorkspace.Group)
            .BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        }

        var leases = services.GetRequiredService<ICheckpointStore>().ShardLeases!;
        var shard = new PartitionKey("kinesis:us-east-1", "people", "shardId-000000000000");
        await leases.AddAsync([shard], CancellationToken.None);
        Assert.True(await leases.TryTakeAsync((await leases.ListAsync(shard.Transport, shard.Stream, CancellationToken.None)).Single(), CancellationToken.None));
        string[] database = ["--provider", "postgres", "--connection-string", connectionString];
        // Long enough that the refusal below does not depend on how fast two tool runs start on a busy machine.
        _workspace.Environment["LogPipe__Kinesis__Leases__Duration"] = "00:05:00";

        var list = (await _workspace.RunAsync(["leases", "list", .. database])).Expect(ExitCodes.Success);
        var refused = (await _workspace.RunAsync(["leases", "release", "-s", "people", "--shard", shard.Partition, .. database])).Expect(ExitCodes.Refused);
        (await _workspace.RunAsync(["leases", "release", "-s", "people", "--all", "--force", .. database])).Expect(ExitCodes.Success);

        Assert.Matches($@"people\s+shardId-000000000000\s+{System.Text.RegularExpressions.Regex.Escape(leases.Owner)}\s+1\s+1\s+no", list.Out);
        Assert.Contains("renewed within the lease duration", refused.Error, StringComparison.Ordinal);
        Assert.False(await leases.RenewAsync(shard, CancellationToken.None));
        Assert.Null((await leases.ListAsync(shard.Transport, shard.Stream, CancellationToken.None)).Single().Owner);

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            db.Add(new LogPipeCheckpoint { ConsumerGroup = CliWorkspace.Group, Transport = shard.Transport, Stream = shard.Stream, Partition = shard.Partition, NextOffset = 4, Version = 1 });
            await db.SaveChangesAsync();

            // A service database from before shard leases.
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"LogPipeShardLeases\"");
        }

        var offsets = (await _workspace.RunAsync(["offsets", "list", .. database])).Expect(ExitCodes.Success);
        Assert.Matches(@"kinesis:us-east-1\s+people\s+shardId-000000000000\s+4\s+1\s", offsets.Out);
        Assert.DoesNotContain("HOLDER", offsets.Out, StringComparison.Ordinal);
    }

    private sealed class SchemaDb(DbContextOptions<SchemaDb> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyLogPipeConfiguration("logpipe");
    }
}
