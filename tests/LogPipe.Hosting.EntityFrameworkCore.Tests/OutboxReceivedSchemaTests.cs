using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>The received-outbox-record table as each provider creates it (SQL Server's DDL generated, as it cannot run here).</summary>
public sealed class OutboxReceivedSchemaTests
{
    [Fact]
    public void Sql_server_ddl_keys_identities_by_group_source_and_sequence_and_indexes_the_applied_time()
    {
        var ddl = SchemaTests.Script(o => o.UseSqlServer("Server=unused;Database=unused"));
        Assert.Contains("CREATE TABLE [LogPipeOutboxReceived]", ddl, StringComparison.Ordinal);
        Assert.Contains("[ConsumerGroup] nvarchar(200) NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Source] uniqueidentifier NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Sequence] bigint NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[AppliedAt] datetime2 NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT [PK_LogPipeOutboxReceived] PRIMARY KEY ([ConsumerGroup], [Source], [Sequence])", ddl, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [IX_LogPipeOutboxReceived_ConsumerGroup_AppliedAt]", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_and_postgres_ddl_have_the_same_key()
    {
        Assert.Contains("CONSTRAINT \"PK_LogPipeOutboxReceived\" PRIMARY KEY (\"ConsumerGroup\", \"Source\", \"Sequence\")", SchemaTests.Script(o => o.UseSqlite("Data Source=:memory:")), StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT \"PK_LogPipeOutboxReceived\" PRIMARY KEY (\"ConsumerGroup\", \"Source\", \"Sequence\")", SchemaTests.Script(o => o.UseNpgsql("Host=unused")), StringComparison.Ordinal);
    }
}
