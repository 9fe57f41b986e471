using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.Producers;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// One instance of a service using LogPipe on Kinesis (kinesalite): a real host with <c>UseKinesis()</c>, checkpoints in a
/// SQLite file through EF Core, a producer of people and a consumer of the same stream. A test can put an HTTP handler in
/// front of the transport's client to inject faults, and register its own serializers.
/// </summary>
public sealed class KinesisApp : IAsyncDisposable
{
    private readonly HttpClient? _http;
    private bool _started;
    private bool _disposed;

    private KinesisApp(IHost host, LogCapture logs, HttpClient? http)
    {
        Host = host;
        Logs = logs;
        _http = http;
    }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => Host.Services;

    public Probe Probe => Services.GetRequiredService<Probe>();

    public OrderViolations Violations => Services.GetRequiredService<OrderViolations>();

    /// <summary>Settings every test app starts from: kinesalite, quick polling, discovery and retries.</summary>
    public static Dictionary<string, string?> DefaultSettings(KinesaliteFixture kinesalite, string group) => KinesisTestSettings.Defaults(kinesalite.ServiceUrl, group);

    public static KinesisApp Create(
        KinesaliteFixture kinesalite,
        string stream,
        string group,
        SqliteFile database,
        IDictionary<string, string?>? settings = null,
        HttpMessageHandler? handler = null,
        Action<ConsumerBuilder>? consumer = null)
    {
        var logs = new LogCapture();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var all = DefaultSettings(kinesalite, group);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(new Probe());
        builder.Services.AddSingleton(new OrderViolations());
        builder.Services.AddDbContext<TestDb>(database.Configure);
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp
            .UseKinesis()
            .UseEntityFrameworkOffsets<TestDb>()
            .AddProducer<Person, PersonSerializerV2>(stream)
            .AddConsumer(stream, consumer ?? (c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>())));

        HttpClient? http = null;
        if (handler is not null)
        {
            http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            builder.Services.AddKeyedSingleton<IKinesisClient>(KinesisTransport.ClientServiceKey, (sp, _) =>
                new KinesisClient(sp.GetRequiredService<IOptions<KinesisOptions>>().Value.ToClientOptions(), http));
        }

        return new KinesisApp(builder.Build(), logs, http);
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

    /// <summary>Waits until the consumer service has started every source (shards listed, first iterators taken).</summary>
    public Task ConsumersStartedAsync() =>
        Eventually.TrueAsync(() => Logs.Entries.Any(e => e.EventId.Id == LogEvents.ConsumerStarted), TimeSpan.FromSeconds(30), "the consumer service started");

    public async Task<IReadOnlyList<RecordPosition>> SendAsync(IEnumerable<Person> people, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(people, cancellationToken);
    }

    public async Task<T> QueryAsync<T>(Func<TestDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    public Task<List<Person>> PeopleAsync() => QueryAsync(db => db.People.AsNoTracking().ToListAsync());

    public Task<int> PeopleCountAsync() => QueryAsync(db => db.People.CountAsync());

    public Task<int> AppliedAsync() => QueryAsync(db => db.People.SumAsync(p => p.Applied));

    public Task<List<LogPipeCheckpoint>> CheckpointsAsync() => QueryAsync(db => db.Set<LogPipeCheckpoint>().AsNoTracking().ToListAsync());

    public Task<List<LogPipeDeadLetter>> DeadLettersAsync() => QueryAsync(db => db.Set<LogPipeDeadLetter>().AsNoTracking().ToListAsync());

    /// <summary>Waits until every one of <paramref name="people"/> is stored and has been applied <paramref name="times"/> times in all.</summary>
    public async Task<List<Person>> WaitAppliedAsync(IReadOnlyCollection<Person> people, int times = 1, TimeSpan? timeout = null)
    {
        var expected = people.Count * times;
        await Eventually.TrueAsync(async () => await AppliedAsync() >= expected, timeout ?? TimeSpan.FromSeconds(120), $"{expected} applications of {people.Count} people");
        var stored = await PeopleAsync();
        Assert.Equal(people.Select(p => p.Uuid).Order(), stored.Select(p => p.Uuid).Order());
        Assert.All(stored, p => Assert.Equal(times, p.Applied));
        return stored;
    }

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
        _http?.Dispose();
    }
}
