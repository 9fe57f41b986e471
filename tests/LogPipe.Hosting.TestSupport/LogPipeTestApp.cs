using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// One instance of a service using LogPipe, for a test: a real host (no default configuration sources) with settings from
/// memory, every log entry kept in <see cref="Logs"/>, a <see cref="Probe"/>, the people database (<see cref="TestDb"/>)
/// and LogPipe as the test configures it. The Kafka, Kinesis and in-memory test apps are built on it.
/// </summary>
public abstract class LogPipeTestApp : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private bool _started;
    private bool _disposed;

    protected LogPipeTestApp(IHost host, LogCapture logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => Host.Services;

    public Probe Probe => Services.GetRequiredService<Probe>();

    public LogPipeConsumerRunner Runner => Services.GetRequiredService<LogPipeConsumerRunner>();

    /// <summary>
    /// Builds the host: <paramref name="settings"/> over <paramref name="defaults"/>, logs into <paramref name="logs"/>, the
    /// <paramref name="probe"/> (a new one when null), <see cref="TestDb"/> on <paramref name="database"/>, LogPipe from the
    /// <c>LogPipe</c> section configured by <paramref name="logPipe"/>, and any <paramref name="services"/> of the test.
    /// </summary>
    public static IHost BuildHost(
        LogCapture logs,
        IDictionary<string, string?> defaults,
        IDictionary<string, string?>? settings,
        Action<IServiceProvider, DbContextOptionsBuilder> database,
        Action<LogPipeBuilder> logPipe,
        Action<IServiceCollection>? services = null,
        Probe? probe = null,
        LogLevel minimumLevel = LogLevel.Debug)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // As in Development: a scoped service taken by a singleton fails the test instead of living for the whole run.
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true }));
        var all = new Dictionary<string, string?>(defaults);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(minimumLevel);
        builder.Services.AddSingleton(probe ?? new Probe());
        builder.Services.AddDbContext<TestDb>(database);
        // Before AddLogPipe, which only adds what is not there: the test's broker, clock or client win.
        services?.Invoke(builder.Services);
        // Tests run in the Production environment and use the in-memory transport and checkpoints on purpose; a test's
        // UseKafka(), UseKinesis() or UseEntityFrameworkOffsets<T>() still takes over.
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp =>
        {
            lp.UseInMemoryTransport().UseInMemoryOffsets();
            logPipe(lp);
        });
        return builder.Build();
    }

    /// <summary>Creates the tables (people and LogPipe's) if they are not there.</summary>
    public async Task EnsureDatabaseAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
    }

    /// <summary>Starts the host (and with it LogPipe's consumer service).</summary>
    public async Task StartAsync()
    {
        _started = true;
        await Host.StartAsync();
    }

    public async Task<T> QueryAsync<T>(Func<TestDb, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    public Task<List<Person>> PeopleAsync() => QueryAsync(db => db.People.AsNoTracking().ToListAsync());

    public Task<int> PeopleCountAsync() => QueryAsync(db => db.People.CountAsync());

    public Task<List<LogPipeCheckpoint>> CheckpointsAsync() => QueryAsync(db => db.Set<LogPipeCheckpoint>().AsNoTracking().ToListAsync());

    public Task<List<LogPipeDeadLetter>> DeadLettersAsync() => QueryAsync(db => db.Set<LogPipeDeadLetter>().AsNoTracking().ToListAsync());

    /// <summary>Stops a started host (failing the test if that takes over 30 s) and disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_started)
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await Host.StopAsync(timeout.Token);
        }

        Host.Dispose();
        DisposeResources();
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes what the app owns besides the host.</summary>
    protected virtual void DisposeResources()
    {
    }
}
