using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.Testing.Tests;

/// <summary>
/// A service as a user writes it — configured for Kafka, checkpoints in its own database (a SQLite file), a producer and
/// a consumer of people — with the test harness added, built on the test toolkit's host builder.
/// </summary>
internal sealed class HarnessApp : IAsyncDisposable
{
    private readonly TemporaryDatabase _database;

    private HarnessApp(IHost host, TemporaryDatabase database)
    {
        Host = host;
        _database = database;
    }

    public IHost Host { get; }

    public LogPipeTestHarness Harness => Host.Services.GetRequiredService<LogPipeTestHarness>();

    public Probe Probe => Host.Services.GetRequiredService<Probe>();

    public static async Task<HarnessApp> CreateAsync(bool outbox = false, IDictionary<string, string?>? settings = null)
    {
        var database = TemporaryDatabase.Sqlite("logpipe-harness");
        var defaults = new Dictionary<string, string?>
        {
            // As in a service's appsettings: the harness runs it on the in-memory transport all the same.
            ["LogPipe:Transport"] = "Kafka",
            ["LogPipe:ProducerId"] = "people-api",
            ["LogPipe:Failures:InitialBackoffMs"] = "1",
            ["LogPipe:Failures:MaxBackoffMs"] = "5",
        };
        var host = LogPipeTestApp.BuildHost(
            new LogCapture(),
            defaults,
            settings,
            (_, o) => o.UseSqlite(database.ConnectionString),
            lp =>
            {
                lp.UseEntityFrameworkOffsets<TestDb>()
                    .AddProducer<Person, PersonSerializerV2>("people")
                    .AddProducer<Person, PersonSerializerV1>("people", name: "v1")
                    .AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>().Ignore("place"));
                if (outbox) lp.UseEntityFrameworkOutbox<TestDb>();
            },
            services => services.AddLogPipeTestHarness());
        var app = new HarnessApp(host, database);
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        return app;
    }

    public async Task<T> QueryAsync<T>(Func<TestDb, Task<T>> query)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    public Task<List<Person>> PeopleAsync() => QueryAsync(db => db.People.AsNoTracking().OrderBy(p => p.Id).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        await Host.Services.GetRequiredService<LogPipe.Hosting.Consumers.LogPipeConsumerRunner>().DisposeAsync();
        Host.Dispose();
        _database.Dispose();
    }
}
