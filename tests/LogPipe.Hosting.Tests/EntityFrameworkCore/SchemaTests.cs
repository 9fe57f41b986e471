using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Tests.EntityFrameworkCore;

/// <summary>
/// LogPipe's tables as each provider creates them. SQL Server cannot run here, so its DDL is generated and checked;
/// PostgreSQL and SQLite are also exercised for real by the transport tests.
/// </summary>
public sealed class SchemaTests
{
    /// <summary>The create script of <see cref="TestDb"/> (LogPipe's tables included) on <paramref name="provider"/>.</summary>
    internal static string Script(Action<DbContextOptionsBuilder<TestDb>> provider)
    {
        var options = new DbContextOptionsBuilder<TestDb>();
        provider(options);
        using var db = new TestDb(options.Options);
        return db.Database.GenerateCreateScript();
    }

    [Fact]
    public void Sql_server_ddl_has_64_bit_offsets_a_composite_key_and_binary_values()
    {
        var ddl = Script(o => o.UseSqlServer("Server=unused;Database=unused"));
        Assert.Contains("CREATE TABLE [LogPipeCheckpoints]", ddl, StringComparison.Ordinal);
        Assert.Contains("[ConsumerGroup] nvarchar(200) NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Transport] nvarchar(100) NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Stream] nvarchar(255) NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Partition] nvarchar(128) NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[NextOffset] bigint NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[SequenceNumber] nvarchar(128) NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Version] bigint NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[UpdatedAt] datetimeoffset NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT [PK_LogPipeCheckpoints] PRIMARY KEY ([ConsumerGroup], [Transport], [Stream], [Partition])", ddl, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [LogPipeDeadLetters]", ddl, StringComparison.Ordinal);
        Assert.Contains("[Id] bigint NOT NULL IDENTITY", ddl, StringComparison.Ordinal);
        Assert.Contains("[Offset] bigint NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Value] varbinary(max) NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Key] varbinary(max) NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [IX_LogPipeDeadLetters_ConsumerGroup_Stream_Partition_Offset]", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_can_be_placed_in_its_own_sql_server_schema()
    {
        var options = new DbContextOptionsBuilder<SchemaDb>().UseSqlServer("Server=unused").Options;
        using var db = new SchemaDb(options);
        var ddl = db.Database.GenerateCreateScript();
        Assert.Contains("CREATE TABLE [logpipe].[LogPipeCheckpoints]", ddl, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [logpipe].[LogPipeDeadLetters]", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_ddl_keeps_offsets_as_64_bit_integers()
    {
        var ddl = Script(o => o.UseSqlite("Data Source=:memory:"));
        Assert.Contains("\"NextOffset\" INTEGER NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT \"PK_LogPipeCheckpoints\" PRIMARY KEY (\"ConsumerGroup\", \"Transport\", \"Stream\", \"Partition\")", ddl, StringComparison.Ordinal);
    }

    private sealed class SchemaDb(DbContextOptions<SchemaDb> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyLogPipeConfiguration("logpipe");
    }
}
