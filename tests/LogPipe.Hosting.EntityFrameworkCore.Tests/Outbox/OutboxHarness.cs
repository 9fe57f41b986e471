using System.Text;
using System.Text.Json;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// Services writing people through the outbox into one database (a SQLite file or a PostgreSQL database), relaying over a
/// <see cref="ControllableBroker"/>; the log is read back from the in-memory broker.
/// </summary>
internal sealed class OutboxHarness : IAsyncDisposable
{
    public const string Topic = "people";
    private readonly List<TestApp> _apps = [];
    private readonly TemporaryDatabase _database;

    private OutboxHarness(TemporaryDatabase database)
    {
        _database = database;
        Broker = new ControllableBroker(new InMemoryBroker());
    }

    public ControllableBroker Broker { get; }

    public string Provider => _database.Provider;

    public static async Task<OutboxHarness> CreateAsync(string provider) => new(await TemporaryDatabase.CreateAsync(provider));

    /// <summary>
    /// A started service instance: it writes through the outbox and (unless told otherwise) runs the relay;
    /// <paramref name="services"/> changes its registrations (for example the DbContext's options).
    /// </summary>
    public async Task<TestApp> StartAppAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["LogPipe:Transport"] = ControllableBroker.TransportName,
            ["LogPipe:Outbox:PollIntervalMs"] = "50",
            ["LogPipe:Outbox:InitialBackoffMs"] = "10",
            ["LogPipe:Outbox:MaxBackoffMs"] = "100",
            ["LogPipe:Outbox:LeaseDurationMs"] = "2000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var app = TestApp.Create(
            lp => lp.AddTransport(Broker.Registration).UseEntityFrameworkOutbox<TestDb>().AddProducer<Person, PersonSerializerV2>(Topic),
            all,
            databasePath: _database.SqlitePath ?? TestApp.NewDatabasePath(),
            broker: Broker.Broker,
            postgres: _database.SqlitePath is null ? _database.ConnectionString : null,
            services: services);
        _apps.Add(app);
        await app.Host.StartAsync();
        return app;
    }

    /// <summary>Adds or changes people through the outbox in one SaveChangesAsync.</summary>
    public static Task SaveAsync(TestApp app, params Person[] people) => OutboxWrites.SaveAsync(app.Services, people);

    /// <summary>The records on the log, in log order (one partition).</summary>
    public List<LoggedRecord> Log()
    {
        var records = new List<LoggedRecord>();
        var ends = Broker.Broker.EndOffsets(Topic);
        for (var partition = 0; partition < ends.Count; partition++)
        {
            for (var offset = 0L; offset < ends[partition]; offset++)
            {
                Assert.True(Broker.Broker.TryGet(Topic, partition, offset, out var stored));
                records.Add(new LoggedRecord(
                    stored.Key is null ? null : Encoding.UTF8.GetString(stored.Key),
                    Encoding.UTF8.GetString(stored.Value),
                    (stored.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.Value))));
            }
        }

        return records;
    }

    public int LogCount() => Broker.Broker.EndOffsets(Topic).Sum(e => (int)e);

    public Task<List<LogPipeOutboxEntry>> OutboxAsync(TestApp app) =>
        app.QueryAsync(db => db.Set<LogPipeOutboxEntry>().AsNoTracking().OrderBy(e => e.Id).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.Host.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }

        _database.Dispose();
    }
}

/// <summary>A record read back from the log.</summary>
internal sealed record LoggedRecord(string? Key, string Value, Dictionary<string, string> Headers)
{
    /// <summary>The person's last name in the envelope's message.</summary>
    public string LastName => JsonDocument.Parse(Value["json:".Length..]).RootElement.GetProperty("message").GetProperty("last_name").GetString()!;
}
