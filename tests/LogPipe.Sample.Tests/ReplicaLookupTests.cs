using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TemporaryDatabase = LogPipe.Hosting.TestSupport.TemporaryDatabase;

namespace LogPipe.Sample.Tests;

/// <summary>The per-message path's prefetch and the PostgreSQL connection it runs on.</summary>
public sealed class ReplicaLookupTests
{
    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task The_prefetch_loads_the_stored_replicas_tracked_and_saving_a_message_updates_the_loaded_one(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var stored = Enumerable.Range(0, 3).Select(i => new PersonReplica { Uuid = Guid.NewGuid(), FirstName = $"F{i}", LastName = $"L{i}", Version = 2, AppliedCount = 1 }).ToList();
        await using (var db = Open(database))
        {
            await db.Database.EnsureCreatedAsync();
            db.Replicas.AddRange(stored);
            await db.SaveChangesAsync();
        }

        var unknown = Guid.NewGuid();
        await using (var db = Open(database))
        {
            var serializer = new PersonSerializerV2(db);
            await serializer.LoadReplicasAsync([new(stored[0].Uuid, "A", "B", null), new(unknown, "C", "D", null), new(stored[2].Uuid, "E", "F", null)], CancellationToken.None);
            Assert.Equal(new[] { stored[0].Uuid, stored[2].Uuid }.Order(), db.ChangeTracker.Entries<PersonReplica>().Select(e => e.Entity.Uuid).Order());
            Assert.Null(await serializer.LookupReplicaAsync(new(unknown, "C", "D", null), CancellationToken.None));
            await serializer.SaveAsync(new PersonMessageV2(stored[0].Uuid, "A", "B", null), CancellationToken.None);
            await db.SaveChangesAsync();
        }

        await using var check = Open(database);
        var updated = await check.Replicas.AsNoTracking().SingleAsync(r => r.Uuid == stored[0].Uuid);
        Assert.Equal(("A", 2), (updated.FirstName, updated.AppliedCount));
        Assert.Equal(3, await check.Replicas.CountAsync());
    }

    [Fact]
    public async Task The_PostgreSQL_prefetch_probes_the_uuid_index_in_a_generic_plan_made_while_the_table_is_small()
    {
        // A prepared statement keeps the generic plan it made in its first executions: made on a small table, a scan of
        // the table compared every row with every key for the rest of the connection's life.
        using var database = await TemporaryDatabase.OnPostgresAsync();
        await using var db = Open(database);
        await db.Database.EnsureCreatedAsync();
        db.Replicas.AddRange(Enumerable.Range(0, 50).Select(i => new PersonReplica { Uuid = Guid.NewGuid(), FirstName = "F", LastName = "L" }));
        await db.SaveChangesAsync();

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var prepare = new NpgsqlCommand($"SET plan_cache_mode = force_generic_plan; PREPARE lookup(uuid[]) AS {string.Format(System.Globalization.CultureInfo.InvariantCulture, ReplicaLookup.PostgresSql(db), "$1")}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN EXECUTE lookup(ARRAY[gen_random_uuid(), gen_random_uuid()])", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        }

        Assert.Contains(plan, line => line.Contains("Index Scan", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Host=db;Database=sample", 64)]
    [InlineData("Host=db;Database=sample;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=sample;Max Auto Prepare=10", 10)]
    public void The_sample_prepares_PostgreSQL_statements_unless_its_connection_string_says_otherwise(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(SampleServices.PostgresConnectionString(connectionString)).MaxAutoPrepare);

    private static SampleDbContext Open(TemporaryDatabase database)
    {
        var options = new DbContextOptionsBuilder<SampleDbContext>();
        database.Configure(options);
        return new SampleDbContext(options.Options);
    }
}
