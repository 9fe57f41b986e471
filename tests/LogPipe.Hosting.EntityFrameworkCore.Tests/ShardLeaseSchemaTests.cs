using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>The shard-lease table as each provider creates it (SQL Server's DDL generated, as it cannot run here).</summary>
public sealed class ShardLeaseSchemaTests
{
    [Fact]
    public void Sql_server_ddl_keys_leases_by_group_transport_stream_and_shard_with_owner_counter_epoch_and_wanted_by()
    {
        var ddl = SchemaTests.Script(o => o.UseSqlServer("Server=unused;Database=unused"));
        Assert.Contains("CREATE TABLE [LogPipeShardLeases]", ddl, StringComparison.Ordinal);
        Assert.Contains("[Owner] nvarchar(200) NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[LeaseCounter] bigint NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Epoch] bigint NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[Finished] bit NOT NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("[WantedBy] nvarchar(200) NULL", ddl, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT [PK_LogPipeShardLeases] PRIMARY KEY ([ConsumerGroup], [Transport], [Stream], [Shard])", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_and_postgres_ddl_have_the_same_key()
    {
        const string Key = "CONSTRAINT \"PK_LogPipeShardLeases\" PRIMARY KEY (\"ConsumerGroup\", \"Transport\", \"Stream\", \"Shard\")";
        Assert.Contains(Key, SchemaTests.Script(o => o.UseSqlite("Data Source=:memory:")), StringComparison.Ordinal);
        Assert.Contains(Key, SchemaTests.Script(o => o.UseNpgsql("Host=unused")), StringComparison.Ordinal);
    }
}
