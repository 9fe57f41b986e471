using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.InMemory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// A real host with LogPipe on the in-memory transport and checkpoints in a SQLite file (unless told otherwise), so tests
/// run the same code a service runs. Several apps may share one broker and one database file, like instances of a service.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private bool _disposed;

    // A SQLite file this app made up a name for: nobody else knows it, so the app deletes it.
    private readonly bool _ownsDatabase;

    private TestApp(IHost host, string databasePath, LogCapture logs, bool ownsDatabase)
    {
        _ownsDatabase = ownsDatabase;
        Host = host;
        DatabasePath = databasePath;
        Logs = logs;
        Broker = host.Services.GetRequiredService<InMemoryBroker>();
        Probe = host.Services.GetRequiredService<Probe>();
        _runner = new Lazy<LogPipeConsumerRunner>(host.Services.GetRequiredService<LogPipeConsumerRunner>);
    }

    private readonly Lazy<LogPipeConsumerRunner> _runner;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public string DatabasePath { get; }

    public LogCapture Logs { get; }

    public Probe Probe { get; }

    public InMemoryBroker Broker { get; }

    public LogPipeConsumerRunner Runner => _runner.Value;

    public static string NewDatabasePath() => TemporaryDatabase.NewSqlitePath();

    public static TestApp Create(
        Action<LogPipeBuilder> configure,
        IDictionary<string, string?>? settings = null,
        string? databasePath = null,
        InMemoryBroker? broker = null,
        TimeProvider? time = null,
        bool entityFrameworkOffsets = true,
        string? postgres = null,
        Action<IServiceCollection>? services = null,
        Action<Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder>? npgsql = null,
        Action<Microsoft.EntityFrameworkCore.Infrastructure.SqliteDbContextOptionsBuilder>? sqlite = null)
    {
        var ownsDatabase = databasePath is null && postgres is null;
        databasePath ??= NewDatabasePath();
        var logs = new LogCapture();
        var defaults = new Dictionary<string, string?>
        {
            ["LogPipe:ConsumerGroup"] = "tests",
            ["LogPipe:Failures:InitialBackoffMs"] = "1",
            ["LogPipe:Failures:MaxBackoffMs"] = "5",
        };
        var host = LogPipeTestApp.BuildHost(
            logs,
            defaults,
            settings,
            // With a PostgreSQL connection string the app runs on that database instead of the SQLite file; the provider's
            // own options (an execution strategy, for example) come from npgsql / sqlite.
            (sp, o) => (postgres is null ? o.UseSqlite($"Data Source={databasePath};Pooling=False", s => sqlite?.Invoke(s)) : o.UseNpgsql(postgres, n => npgsql?.Invoke(n)))
                .AddInterceptors(new CommitFailures(sp.GetRequiredService<Probe>())),
            lp =>
            {
                if (entityFrameworkOffsets) lp.UseEntityFrameworkOffsets<TestDb>();
                configure(lp);
            },
            collection =>
            {
                if (broker is not null) collection.AddSingleton(broker);
                if (time is not null) collection.AddSingleton(time);
                services?.Invoke(collection);
            },
            minimumLevel: LogLevel.Trace);
        using (var scope = host.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreated();
        }

        return new TestApp(host, databasePath, logs, ownsDatabase);
    }

    public async Task<T> QueryAsync<T>(Func<TestDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    public Task<List<Person>> PeopleAsync() => QueryAsync(db => db.People.AsNoTracking().OrderBy(p => p.Id).ToListAsync());

    public Task<List<LogPipe.Hosting.EntityFrameworkCore.LogPipeDeadLetter>> DeadLettersAsync() =>
        QueryAsync(db => db.Set<LogPipe.Hosting.EntityFrameworkCore.LogPipeDeadLetter>().AsNoTracking().OrderBy(d => d.Id).ToListAsync());

    public Task<List<LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint>> CheckpointsAsync() =>
        QueryAsync(db => db.Set<LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint>().AsNoTracking().ToListAsync());

    public ICheckpointStore Checkpoints => Services.GetRequiredService<ICheckpointStore>();

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_runner.IsValueCreated) await Runner.DisposeAsync();
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDatabase) DeleteDatabase(DatabasePath);
    }

    public static void DeleteDatabase(string path) => TemporaryDatabase.DeleteSqliteFiles(path);
}
