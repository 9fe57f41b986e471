using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// A scenario's database — a fresh SQLite file or a fresh database on the test PostgreSQL server — and what the test
/// reads from it to judge the run: people with their apply counters, checkpoints, dead letters.
/// </summary>
public sealed class ScenarioDatabase : IDisposable
{
    private readonly TemporaryDatabase _database;

    private ScenarioDatabase(TemporaryDatabase database)
    {
        _database = database;
        Database = new WorkerDatabase(database.Provider, database.ConnectionString);
    }

    public WorkerDatabase Database { get; }

    public static ScenarioDatabase Sqlite() => new(TemporaryDatabase.Sqlite("logpipe-faults"));

    public static async Task<ScenarioDatabase> PostgresAsync() => new(await TemporaryDatabase.OnPostgresAsync());

    public static async Task<ScenarioDatabase> CreateAsync(string provider) => new(await TemporaryDatabase.CreateAsync(provider));

    public async Task EnsureCreatedAsync()
    {
        await using var db = Open();
        await db.Database.EnsureCreatedAsync();
    }

    public TestDb Open()
    {
        var options = new DbContextOptionsBuilder<TestDb>();
        Database.Configure(options);
        return new TestDb(options.Options);
    }

    public async Task<int> PeopleCountAsync()
    {
        await using var db = Open();
        return await db.People.CountAsync();
    }

    public async Task<List<Person>> PeopleAsync()
    {
        await using var db = Open();
        return await db.People.AsNoTracking().ToListAsync();
    }

    /// <summary>
    /// Stored checkpoints of <paramref name="group"/> on <paramref name="topic"/> (a Kafka topic or a Kinesis stream):
    /// partition or shard → next offset (Kafka) or records applied (Kinesis), with the last sequence number (Kinesis).
    /// </summary>
    public async Task<Dictionary<string, LogPosition>> CheckpointsAsync(string group, string topic)
    {
        await using var db = Open();
        return await db.Set<LogPipeCheckpoint>().AsNoTracking()
            .Where(c => c.ConsumerGroup == group && c.Stream == topic)
            .ToDictionaryAsync(c => c.Partition, c => new LogPosition(c.NextOffset, c.SequenceNumber));
    }

    public async Task<List<LogPipeDeadLetter>> DeadLettersAsync(string group)
    {
        await using var db = Open();
        return await db.Set<LogPipeDeadLetter>().AsNoTracking().Where(d => d.ConsumerGroup == group).OrderBy(d => d.Id).ToListAsync();
    }

    public void Dispose() => _database.Dispose();
}
