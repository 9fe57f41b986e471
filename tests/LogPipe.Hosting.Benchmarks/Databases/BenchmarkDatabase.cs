using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using LogPipe.Sample;
using LogPipe.Sample.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LogPipe.Hosting.Benchmarks.Databases;

/// <summary>
/// A fresh database holding the sample's schema (replicas, LogPipe's checkpoints and dead letters): a SQLite file with the
/// provider's default settings, or a new database on a PostgreSQL server.
/// </summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly string? _sqliteFile;

    private BenchmarkDatabase(DatabaseProvider provider, string connectionString, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFile = sqliteFile;
    }

    /// <summary>Which provider.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>The connection string the LogPipe app uses.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty SQLite file in <paramref name="directory"/> with the sample's schema.</summary>
    public static async Task<BenchmarkDatabase> CreateSqliteAsync(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var file = Path.GetFullPath(Path.Combine(directory, $"{name}.db"));
        TemporaryDatabase.DeleteSqliteFiles(file);
        var database = new BenchmarkDatabase(DatabaseProvider.Sqlite, $"Data Source={file}", file);
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        return database;
    }

    /// <summary>
    /// Creates a database on the given server (admin connection string), or on a PostgreSQL 15 started for this process by
    /// the test support's <see cref="PostgresServer"/> when <paramref name="adminConnectionString"/> is <see langword="null"/>.
    /// </summary>
    public static async Task<BenchmarkDatabase> CreatePostgresAsync(string? adminConnectionString)
    {
        string connectionString;
        if (adminConnectionString is null)
        {
            connectionString = await PostgresServer.CreateDatabaseAsync().ConfigureAwait(false);
        }
        else
        {
            var name = "logpipe_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(adminConnectionString))
            {
                await connection.OpenAsync().ConfigureAwait(false);
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        }

        var database = new BenchmarkDatabase(DatabaseProvider.Postgres, connectionString, null);
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        return database;
    }

    /// <summary>Configures a DbContext for this database.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // As the sample configures PostgreSQL: prepared statements, SaveChanges in commands of at most 100 statements (see
        // SampleServices).
        _ = Provider == DatabaseProvider.Sqlite ? options.UseSqlite(ConnectionString) : options.UseNpgsql(SampleServices.PostgresConnectionString(ConnectionString), o => o.MaxBatchSize(SampleServices.PostgresMaxBatchSize));
    }

    /// <summary>Counts replicas, replicas applied other than exactly once, and dead letters.</summary>
    public async Task<(int Replicas, int NotOnce, int DeadLetters)> CountAsync()
    {
        await using var db = NewContext();
        var replicas = await db.Replicas.CountAsync().ConfigureAwait(false);
        var notOnce = await db.Replicas.CountAsync(r => r.AppliedCount != 1).ConfigureAwait(false);
        var deadLetters = await db.Set<LogPipeDeadLetter>().CountAsync().ConfigureAwait(false);
        return (replicas, notOnce, deadLetters);
    }

    /// <summary>How many entries the transactional outbox holds (committed, not yet relayed, or set aside).</summary>
    public async Task<long> OutboxEntriesAsync()
    {
        await using var db = NewContext();
        var counts = await db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"LogPipeOutbox\"").ToListAsync().ConfigureAwait(false);
        return counts.Single();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            TemporaryDatabase.DeleteSqliteFiles(_sqliteFile);
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
        }

        return ValueTask.CompletedTask;
    }

    private async Task EnsureSchemaAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync().ConfigureAwait(false);
        if (Provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging, as SQLite is run behind a service (the mode is kept in the file). Commits stay durable
            // (synchronous=FULL, the default): one fsync of the log per unit of work instead of the rollback journal's
            // several.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;").ConfigureAwait(false);
        }
    }

    private SampleDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<SampleDbContext>();
        Configure(options);
        return new SampleDbContext(options.Options);
    }
}
