using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.FaultInjection.Worker.Outbox;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The writing service's database in the outbox scenarios — a fresh SQLite file (write-ahead log, as behind a service) or
/// a fresh PostgreSQL database — seeded with people at version 0, and what the test reads from it: the committed changes
/// and the outbox's backlog.
/// </summary>
public sealed class OutboxDatabase : IDisposable
{
    private readonly TemporaryDatabase _database;

    private OutboxDatabase(TemporaryDatabase database)
    {
        _database = database;
        Database = new WorkerDatabase(database.Provider, database.ConnectionString);
    }

    public WorkerDatabase Database { get; }

    public string Provider => _database.Provider;

    /// <summary>Creates the database with <paramref name="people"/> people, none changed yet.</summary>
    public static async Task<OutboxDatabase> CreateAsync(string provider, int people)
    {
        var database = new OutboxDatabase(await TemporaryDatabase.CreateAsync(provider));
        await using var db = database.Open();
        await db.Database.EnsureCreatedAsync();
        if (provider == TemporaryDatabase.SqliteProvider) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await OutboxWriter.SeedAsync(db, people, CancellationToken.None);
        return database;
    }

    public WriterDb Open()
    {
        var options = new DbContextOptionsBuilder<WriterDb>();
        Database.Configure(options);
        return new WriterDb(options.Options);
    }

    /// <summary>How many changes have committed.</summary>
    public async Task<int> ChangeCountAsync()
    {
        await using var db = Open();
        return await db.Changes.CountAsync();
    }

    /// <summary>Every committed change.</summary>
    public async Task<List<PersonChange>> ChangesAsync()
    {
        await using var db = Open();
        return await db.Changes.AsNoTracking().ToListAsync();
    }

    /// <summary>Outbox entries committed and not yet relayed (set-aside ones not counted).</summary>
    public Task<long> BacklogAsync() => CountAsync("SELECT COUNT(*) AS \"Value\" FROM \"LogPipeOutbox\" WHERE \"SetAsideAt\" IS NULL");

    /// <summary>Outbox entries set aside as refused for good.</summary>
    public Task<long> SetAsideAsync() => CountAsync("SELECT COUNT(*) AS \"Value\" FROM \"LogPipeOutbox\" WHERE \"SetAsideAt\" IS NOT NULL");

    private async Task<long> CountAsync(string sql)
    {
        await using var db = Open();
        var counts = await db.Database.SqlQueryRaw<long>(sql).ToListAsync();
        return counts.Single();
    }

    public void Dispose() => _database.Dispose();
}
