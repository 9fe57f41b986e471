using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// A test that runs LogPipe apps on the shared kinesalite server with one SQLite file and one consumer group of its own;
/// the apps and the file are cleaned up after it.
/// </summary>
public abstract class KinesisAppTests(KinesaliteFixture kinesalite) : IAsyncLifetime
{
    private readonly List<KinesisApp> _apps = [];

    protected KinesaliteFixture Kinesalite => kinesalite;

    protected TemporaryDatabase Database { get; } = TemporaryDatabase.Sqlite();

    protected string Group { get; } = "group-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Settings that turn the consumer service off, for an app that only produces.</summary>
    protected static Dictionary<string, string?> ProducerOnly(IDictionary<string, string?>? settings = null) =>
        new(settings ?? new Dictionary<string, string?>()) { ["LogPipe:EnableConsumers"] = "false" };

    protected async Task<KinesisApp> AppAsync(
        string stream,
        IDictionary<string, string?>? settings = null,
        HttpMessageHandler? handler = null,
        Action<ConsumerBuilder>? consumer = null,
        bool outbox = false,
        Action<IServiceCollection>? services = null)
    {
        var app = KinesisApp.Create(kinesalite, stream, Group, Database, settings, handler, consumer, outbox, services);
        _apps.Add(app);
        await app.EnsureDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    /// <summary>A consumer that checks per-person order (see <see cref="SequenceCheckingPersonSerializer"/>).</summary>
    protected static void OrderChecking(ConsumerBuilder consumer) =>
        consumer.Register<LogPipe.Hosting.TestSupport.PersonSerializerV1>().Register<SequenceCheckingPersonSerializer>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps)) await app.DisposeAsync();
        Database.Dispose();
    }
}
