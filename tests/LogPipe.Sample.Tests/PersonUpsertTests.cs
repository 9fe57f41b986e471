using LogPipe.Hosting;
using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;
using Microsoft.EntityFrameworkCore;
using TemporaryDatabase = LogPipe.Hosting.TestSupport.TemporaryDatabase;

namespace LogPipe.Sample.Tests;

/// <summary>The sample's set-wise save: multi-row upserts on SQLite files and PostgreSQL, equal to saving one by one.</summary>
public sealed class PersonUpsertTests
{
    private static readonly PartitionKey Partition = new("memory", "people", "0");

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_batch_inserts_new_people_updates_known_ones_and_counts_every_message(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var known = Guid.NewGuid();
        await using (var db = Open(database))
        {
            await db.Database.EnsureCreatedAsync();
            db.Replicas.Add(new PersonReplica { Uuid = known, FirstName = "Old", LastName = "Name", Email = "old@example.com", Version = 2, AppliedCount = 3 });
            await db.SaveChangesAsync();
        }

        // More people than a unit of work holds and than one SQLite statement takes, and one person twice in the batch.
        var twice = Guid.NewGuid();
        var messages = Enumerable.Range(0, 1_500).Select(i => new PersonMessageV2(Guid.NewGuid(), $"First{i}", $"Last{i}", $"p{i}@example.com")).ToList();
        messages.Insert(10, new PersonMessageV2(twice, "Twice", "Before", null));
        messages.Insert(150, new PersonMessageV2(known, "New", "Name", null)); // in a statement that reuses the first's command on SQLite
        messages.Add(new PersonMessageV2(twice, "Twice", "After", "twice@example.com"));
        await SaveBatchAsync(database, messages);

        await using var check = Open(database);
        var replicas = await check.Replicas.AsNoTracking().ToDictionaryAsync(r => r.Uuid);
        Assert.Equal(1_500 + 2, replicas.Count);
        Assert.Equal(("New", null, 2, 4), (replicas[known].FirstName, replicas[known].Email, replicas[known].Version, replicas[known].AppliedCount));
        Assert.Equal(("After", "twice@example.com", 2), (replicas[twice].LastName, replicas[twice].Email, replicas[twice].AppliedCount));
        Assert.Equal(("Last7", "p7@example.com", 1), (replicas[messages[7].Uuid].LastName, replicas[messages[7].Uuid].Email, replicas[messages[7].Uuid].AppliedCount));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_version_1_batch_leaves_a_stored_email_as_saving_one_by_one_does(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var batched = Guid.NewGuid();
        var single = Guid.NewGuid();
        await using (var db = Open(database))
        {
            await db.Database.EnsureCreatedAsync();
            db.Replicas.AddRange(
                new PersonReplica { Uuid = batched, FirstName = "A", LastName = "B", Email = "kept@example.com", Version = 2, AppliedCount = 1 },
                new PersonReplica { Uuid = single, FirstName = "A", LastName = "B", Email = "kept@example.com", Version = 2, AppliedCount = 1 });
            await db.SaveChangesAsync();
        }

        await using (var db = Open(database))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new PersonSerializerV1(db).SaveBatchAsync([new BatchItem<PersonMessageV1>(new(batched, "C", "D"), null, Partition, 0)], CancellationToken.None);
            await new PersonSerializerV1(db).SaveAsync(new PersonMessageV1(single, "C", "D"), CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = Open(database);
        var rows = await check.Replicas.AsNoTracking().OrderBy(r => r.Uuid == batched).Select(r => new { r.FirstName, r.LastName, r.Email, r.Version, r.AppliedCount }).ToListAsync();
        Assert.Equal(rows[0], rows[1]);
        Assert.Equal(new { FirstName = "C", LastName = "D", Email = (string?)"kept@example.com", Version = 1, AppliedCount = 2 }, rows[0]);
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_batch_rolled_back_with_its_transaction_leaves_nothing(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        await using (var db = Open(database))
        {
            await db.Database.EnsureCreatedAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new PersonSerializerV2(db).SaveBatchAsync([new BatchItem<PersonMessageV2>(new(Guid.NewGuid(), "A", "B", null), null, Partition, 0)], CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using var check = Open(database);
        Assert.Empty(await check.Replicas.ToListAsync());
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task Batches_of_growing_size_in_new_contexts_write_every_person_with_its_own_fields(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        await using (var db = Open(database)) await db.Database.EnsureCreatedAsync();

        // The statement's parameter names are made once per model and grow with the largest statement seen: a small batch
        // first, then one that needs more names, then a small one again, each in a new DbContext of the same model.
        var batches = new[] { 3, 1_007, 2 }
            .Select((size, b) => Enumerable.Range(0, size).Select(i => new PersonMessageV2(Guid.NewGuid(), $"F{b}_{i}", $"L{b}_{i}", i % 2 == 0 ? $"p{b}_{i}@example.com" : null)).ToList())
            .ToList();
        foreach (var batch in batches) await SaveBatchAsync(database, batch);

        await using var check = Open(database);
        var replicas = await check.Replicas.AsNoTracking().ToDictionaryAsync(r => r.Uuid);
        var messages = batches.SelectMany(b => b).ToList();
        Assert.Equal(messages.Count, replicas.Count);
        Assert.All(messages, m => Assert.Equal(
            (m.FirstName, m.LastName, m.Email, 2, 1),
            (replicas[m.Uuid].FirstName, replicas[m.Uuid].LastName, replicas[m.Uuid].Email, replicas[m.Uuid].Version, replicas[m.Uuid].AppliedCount)));
    }

    private static async Task SaveBatchAsync(TemporaryDatabase database, IReadOnlyList<PersonMessageV2> messages)
    {
        await using var db = Open(database);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await new PersonSerializerV2(db).SaveBatchAsync([.. messages.Select((m, i) => new BatchItem<PersonMessageV2>(m, null, Partition, i))], CancellationToken.None);
        Assert.Empty(db.ChangeTracker.Entries());
        await transaction.CommitAsync();
    }

    private static SampleDbContext Open(TemporaryDatabase database)
    {
        var options = new DbContextOptionsBuilder<SampleDbContext>();
        database.Configure(options);
        return new SampleDbContext(options.Options);
    }
}
