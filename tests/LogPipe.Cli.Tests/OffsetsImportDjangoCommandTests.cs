using System.Data.Common;
using System.Text;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>offsets import-django</c> against django-logpipe's own tables, filled the way its <c>ModelOffsetStore</c> fills them:
/// after processing the records at offsets 0..k-1 of a partition, <c>logpipe_kafkaoffset.offset</c> is k.
/// </summary>
public sealed class OffsetsImportDjangoCommandTests : IClassFixture<KafkaFixture>, IDisposable
{
    private const int RecordsPerPartition = 5;

    // What django-logpipe processed on partitions 0, 1 and 2: two records, none (it never committed, so it has no row),
    // all but the last.
    private static readonly int[] Processed = [2, 0, 4];

    private readonly KafkaFixture _kafka;
    private readonly CliWorkspace _workspace;

    public OffsetsImportDjangoCommandTests(KafkaFixture kafka)
    {
        _kafka = kafka;
        _workspace = CliWorkspace.Create(kafka.BootstrapServers);
    }

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task After_import_the_consumer_applies_exactly_the_records_django_logpipe_had_not_processed(string djangoDatabase)
    {
        var topic = _kafka.NewTopic(partitions: Processed.Length);
        var people = await ProducePeopleAsync(topic);
        var (provider, connectionString) = await DjangoDatabaseAsync(djangoDatabase);
        await using (var django = Open(provider, connectionString))
        {
            for (var p = 0; p < Processed.Length; p++)
            {
                if (Processed[p] > 0) await ExecuteAsync(django, $"""INSERT INTO logpipe_kafkaoffset (topic, "partition", "offset") VALUES ('{topic}', {p}, {Processed[p]})""");
            }

            await ExecuteAsync(django, """INSERT INTO logpipe_kinesisoffset (region, stream, shard, sequence_number) VALUES ('us-east-1', 'orders', 'shardId-000000000001', '49590338271490256608559692538361571095921575989136588898')""");
        }

        var result = (await _workspace.RunAsync("offsets", "import-django", "--from", connectionString, "--from-provider", provider, "--apply", "--force"))
            .Expect(ExitCodes.Success);

        Assert.Contains("Stored 3 checkpoint(s) for consumer group 'people-replica'", result.Out, StringComparison.Ordinal);
        var checkpoints = await _workspace.CheckpointsAsync();
        Assert.Equal(
            [("kafka", topic, "0", 2L, (string?)null), ("kafka", topic, "2", 4L, null), ("kinesis:us-east-1", "orders", "shardId-000000000001", 0L, "49590338271490256608559692538361571095921575989136588898")],
            checkpoints.Select(c => (c.Transport, c.Stream, c.Partition, c.NextOffset, c.SequenceNumber)).OrderBy(c => c.Transport).ThenBy(c => c.Partition));

        await using (await WorkspaceService.StartKafkaAsync(_workspace, _kafka.BootstrapServers, topic))
        {
            var expected = Enumerable.Range(0, Processed.Length).SelectMany(p => people[p].Skip(Processed[p])).ToList();
            await Eventually.TrueAsync(
                async () => (await _workspace.CheckpointsAsync()).Where(c => c.Stream == topic).Sum(c => c.NextOffset) == RecordsPerPartition * Processed.Length,
                LogPipeProcess.Patience,
                "every partition consumed to its end");
            await using var db = _workspace.Db();
            var applied = await db.People.AsNoTracking().ToListAsync();
            Assert.Equal(expected.Order(), applied.Select(p => p.Uuid).Order());
            Assert.All(applied, p => Assert.Equal(1, p.Applied));
        }
    }

    [Fact]
    public async Task A_dry_run_prints_the_plan_and_writes_nothing()
    {
        var topic = _kafka.NewTopic(partitions: 2);
        await _workspace.AddCheckpointAsync(topic, "1", 3, version: 4);
        var path = SqliteDjangoDatabase();
        await using (var django = Open("sqlite", path))
        {
            await ExecuteAsync(django, $"""INSERT INTO logpipe_kafkaoffset (topic, "partition", "offset") VALUES ('{topic}', 0, 11), ('{topic}', 1, 7), ('other', 0, 5)""");
        }

        var result = (await _workspace.RunAsync("offsets", "import-django", "--from", path, "--from-provider", "sqlite", "--stream", topic)).Expect(ExitCodes.Success);

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^TRANSPORT\s+STREAM\s+PARTITION\s+DJANGO OFFSET\s+NEW CHECKPOINT\s+CURRENT CHECKPOINT$", lines[1]);
        Assert.Matches($@"^kafka\s+{topic}\s+0\s+11\s+next offset 11\s+-$", lines[2]);
        Assert.Matches($@"^kafka\s+{topic}\s+1\s+7\s+next offset 7\s+next offset 3$", lines[3]);
        Assert.Equal("Dry run: nothing written. Run again with --apply to store these 2 checkpoint(s).", lines[4]);
        Assert.DoesNotContain("other", result.Out, StringComparison.Ordinal);
        var unchanged = Assert.Single(await _workspace.CheckpointsAsync());
        Assert.Equal((3L, 4L), (unchanged.NextOffset, unchanged.Version));
    }

    [Fact]
    public async Task Apply_is_refused_while_the_group_may_be_active_and_writes_nothing()
    {
        var topic = _kafka.NewTopic();
        var path = SqliteDjangoDatabase();
        await using (var django = Open("sqlite", path))
        {
            await ExecuteAsync(django, $"""INSERT INTO logpipe_kafkaoffset (topic, "partition", "offset") VALUES ('{topic}', 0, 11)""");
        }

        var result = (await _workspace.RunAsync("offsets", "import-django", "--from", path, "--from-provider", "sqlite", "--apply")).Expect(ExitCodes.Refused);

        Assert.Contains("Cannot tell whether consumer group 'people-replica' has active members", result.Error, StringComparison.Ordinal);
        Assert.Empty(await _workspace.CheckpointsAsync());
    }

    [Fact]
    public async Task A_database_without_django_logpipe_tables_is_a_usage_error_naming_them()
    {
        var path = Path.Combine(_workspace.Directory, "empty.db");
        await using (var empty = Open("sqlite", $"Data Source={path}"))
        {
            await ExecuteAsync(empty, "CREATE TABLE unrelated (id integer)");
        }

        var result = (await _workspace.RunAsync("offsets", "import-django", "--from", $"Data Source={path}", "--from-provider", "sqlite")).Expect(ExitCodes.Usage);

        Assert.Contains("Neither logpipe_kafkaoffset nor logpipe_kinesisoffset is in the sqlite database", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Records person v2 at every offset of every partition; returns the uuid at [partition][offset].</summary>
    private async Task<List<Guid>[]> ProducePeopleAsync(string topic)
    {
        var people = new List<Guid>[Processed.Length];
        for (var p = 0; p < Processed.Length; p++)
        {
            people[p] = [.. Enumerable.Range(0, RecordsPerPartition).Select(_ => Guid.NewGuid())];
            await _kafka.ProduceAsync(topic, p, [.. people[p].Select((uuid, offset) => ((string?)uuid.ToString(), Encoding.UTF8.GetBytes(
                $$$"""json:{"type":"person","version":2,"message":{"uuid":"{{{uuid}}}","first_name":"P{{{p}}}","last_name":"O{{{offset}}}","email":"p{{{p}}}o{{{offset}}}@example.com"}}""")))]);
        }

        return people;
    }

    private async Task<(string Provider, string ConnectionString)> DjangoDatabaseAsync(string kind)
    {
        if (kind == "sqlite") return ("sqlite", SqliteDjangoDatabase());
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var django = Open("postgres", connectionString);

        // As django-logpipe's migrations create them on PostgreSQL.
        await ExecuteAsync(django, """
            CREATE TABLE logpipe_kafkaoffset (id serial PRIMARY KEY, topic varchar(200) NOT NULL,
                "partition" integer NOT NULL CHECK ("partition" >= 0), "offset" integer NOT NULL CHECK ("offset" >= 0), UNIQUE (topic, "partition"));
            CREATE TABLE logpipe_kinesisoffset (id serial PRIMARY KEY, stream varchar(200) NOT NULL, shard varchar(20) NOT NULL,
                sequence_number varchar(200) NOT NULL, region varchar(20) NOT NULL, UNIQUE (region, stream, shard));
            """);
        return ("postgres", connectionString);
    }

    /// <summary>A Django SQLite database with django-logpipe's tables as its migrations create them.</summary>
    private string SqliteDjangoDatabase()
    {
        var connectionString = $"Data Source={Path.Combine(_workspace.Directory, $"django-{Guid.NewGuid():N}.sqlite3")}";
        using var django = Open("sqlite", connectionString);
        django.Open();
        using var command = django.CreateCommand();
        command.CommandText = """
            CREATE TABLE "logpipe_kafkaoffset" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "topic" varchar(200) NOT NULL,
                "partition" integer unsigned NOT NULL CHECK ("partition" >= 0), "offset" integer unsigned NOT NULL CHECK ("offset" >= 0), UNIQUE ("topic", "partition"));
            CREATE TABLE "logpipe_kinesisoffset" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "stream" varchar(200) NOT NULL, "shard" varchar(20) NOT NULL,
                "sequence_number" varchar(200) NOT NULL, "region" varchar(20) NOT NULL, UNIQUE ("region", "stream", "shard"));
            """;
        command.ExecuteNonQuery();
        return connectionString;
    }

    private static DbConnection Open(string provider, string connectionString) =>
        provider == "sqlite" ? new SqliteConnection(connectionString + ";Pooling=False") : new NpgsqlConnection(connectionString);

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
