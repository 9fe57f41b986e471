using System.Text;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

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

    private sealed class SchemaDb(DbContextOptions<SchemaDb> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyLogPipeConfiguration("logpipe");
    }
}
