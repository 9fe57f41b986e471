using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Hosting;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>Where a test's LogPipe tables and people live: a SQLite file or a database on the test PostgreSQL server.</summary>
public sealed record TestDatabase(string Name, Action<DbContextOptionsBuilder> Configure, Action Cleanup)
{
    public static TestDatabase Sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"logpipe-kafka-{Guid.NewGuid():N}.db");
        return new TestDatabase("sqlite", o => o.UseSqlite($"Data Source={path};Default Timeout=60"), () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { path, path + "-journal", path + "-wal", path + "-shm" }) File.Delete(f);
        });
    }

    public static async Task<TestDatabase> PostgresAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        return new TestDatabase("postgres", o => o.UseNpgsql(connectionString), () => { });
    }

    public static Task<TestDatabase> CreateAsync(string kind) => kind == "postgres" ? PostgresAsync() : Task.FromResult(Sqlite());
}

/// <summary>
/// One instance of a service using LogPipe on Kafka: a real host with the Kafka transport, database checkpoints, a producer
/// of people and a consumer of the same topic. Several instances with one group id share partitions like a scaled service.
/// </summary>
public sealed class KafkaApp : IAsyncDisposable
{
    private bool _started;
    private bool _disposed;

    private KafkaApp(IHost host, LogCapture logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => Host.Services;

    public Probe Probe => Services.GetRequiredService<Probe>();

    public LogPipeConsumerRunner Runner => Services.GetRequiredService<LogPipeConsumerRunner>();

    public static KafkaApp Create(
        string bootstrapServers,
        string topic,
        string group,
        TestDatabase database,
        IDictionary<string, string?>? settings = null,
        Probe? probe = null,
        bool groupOffsets = false)
    {
        var logs = new LogCapture();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var all = KafkaTestSettings.Defaults(bootstrapServers, group);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(probe ?? new Probe());
        builder.Services.AddDbContext<TestDb>(database.Configure);
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp =>
        {
            lp.UseKafka();
            if (groupOffsets) lp.UseKafkaOffsets().UseEntityFrameworkTransactions<TestDb>();
            else lp.UseEntityFrameworkOffsets<TestDb>();
            lp.AddProducer<Person, PersonSerializerV2>(topic)
                .AddProducer<Place, PlaceSerializer>(topic)
                .AddConsumer(topic, c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>().Register<PlaceSerializer>());
        });
        return new KafkaApp(builder.Build(), logs);
    }

    public async Task EnsureDatabaseAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
    }

    public async Task StartAsync()
    {
        _started = true;
        await Host.StartAsync();
    }

    public async Task<T> QueryAsync<T>(Func<TestDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    public Task<List<Person>> PeopleAsync() => QueryAsync(db => db.People.AsNoTracking().ToListAsync());

    public Task<int> PeopleCountAsync() => QueryAsync(db => db.People.CountAsync());

    public Task<List<LogPipeCheckpoint>> CheckpointsAsync() => QueryAsync(db => db.Set<LogPipeCheckpoint>().AsNoTracking().ToListAsync());

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_started)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Host.StopAsync(timeout.Token);
        }

        Host.Dispose();
    }
}
