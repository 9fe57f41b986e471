using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// A database for one test: a fresh SQLite file in the temp folder (deleted, with its journal files, on dispose) or a
/// fresh database on the test PostgreSQL server (<see cref="PostgresServer"/>, which goes away with the test process).
/// </summary>
public sealed class TemporaryDatabase : IDisposable
{
    /// <summary>The provider name of a SQLite file.</summary>
    public const string SqliteProvider = "sqlite";

    /// <summary>The provider name of a PostgreSQL database.</summary>
    public const string PostgresProvider = "postgres";

    private TemporaryDatabase(string provider, string connectionString, string? sqlitePath)
    {
        Provider = provider;
        ConnectionString = connectionString;
        SqlitePath = sqlitePath;
    }

    /// <summary><see cref="SqliteProvider"/> or <see cref="PostgresProvider"/>.</summary>
    public string Provider { get; }

    /// <summary>The connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The file of a SQLite database; null on PostgreSQL.</summary>
    public string? SqlitePath { get; }

    /// <summary>A path for a SQLite file no other test uses, in the temp folder.</summary>
    public static string NewSqlitePath(string prefix = "logpipe-test") => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");

    /// <summary>A new SQLite file (created on first use). Several apps of a test may share it, like instances of a service.</summary>
    public static TemporaryDatabase Sqlite(string prefix = "logpipe-test")
    {
        var path = NewSqlitePath(prefix);

        // Default Timeout: apps sharing the file wait for each other's write lock instead of failing at once.
        return new TemporaryDatabase(SqliteProvider, $"Data Source={path};Default Timeout=60", path);
    }

    /// <summary>A new, empty database on the test PostgreSQL server.</summary>
    public static async Task<TemporaryDatabase> OnPostgresAsync() =>
        new(PostgresProvider, await PostgresServer.CreateDatabaseAsync(), null);

    /// <summary>A new database of <paramref name="provider"/> (<see cref="SqliteProvider"/> or <see cref="PostgresProvider"/>).</summary>
    public static Task<TemporaryDatabase> CreateAsync(string provider) => provider switch
    {
        SqliteProvider => Task.FromResult(Sqlite()),
        PostgresProvider => OnPostgresAsync(),
        _ => throw new ArgumentException($"Unknown database provider '{provider}'; use {SqliteProvider} or {PostgresProvider}.", nameof(provider)),
    };

    /// <summary>Deletes a SQLite file and its journal files, after closing pooled connections to it.</summary>
    public static void DeleteSqliteFiles(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-journal", path + "-wal", path + "-shm" }) File.Delete(file);
    }

    /// <summary>Points EF Core options at this database.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Provider == SqliteProvider) options.UseSqlite(ConnectionString);
        else options.UseNpgsql(ConnectionString);
    }

    /// <summary>A <see cref="TestDb"/> on this database.</summary>
    public TestDb OpenTestDb()
    {
        var options = new DbContextOptionsBuilder<TestDb>();
        Configure(options);
        return new TestDb(options.Options);
    }

    /// <summary>Deletes the SQLite file; a PostgreSQL database stays until the test server stops.</summary>
    public void Dispose()
    {
        if (SqlitePath is not null) DeleteSqliteFiles(SqlitePath);
    }

    /// <inheritdoc />
    public override string ToString() => Provider;
}
