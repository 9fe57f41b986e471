using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// One instance of a service using LogPipe on Kinesis (kinesalite): a real host with <c>UseKinesis()</c>, checkpoints in a
/// SQLite file through EF Core, a producer of people and a consumer of the same stream. A test can put an HTTP handler in
/// front of the transport's client to inject faults, and register its own serializers.
/// </summary>
public sealed class KinesisApp : LogPipeTestApp
{
    private readonly HttpClient? _http;

    private KinesisApp(IHost host, LogCapture logs, HttpClient? http)
        : base(host, logs)
    {
        _http = http;
    }

    public OrderViolations Violations => Services.GetRequiredService<OrderViolations>();

    /// <summary>Settings every test app starts from: kinesalite, quick polling, discovery and retries.</summary>
    public static Dictionary<string, string?> DefaultSettings(KinesaliteFixture kinesalite, string group) => KinesisTestSettings.Defaults(kinesalite.ServiceUrl, group);

    public static KinesisApp Create(
        KinesaliteFixture kinesalite,
        string stream,
        string group,
        TemporaryDatabase database,
        IDictionary<string, string?>? settings = null,
        HttpMessageHandler? handler = null,
        Action<ConsumerBuilder>? consumer = null,
        bool outbox = false,
        Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var logs = new LogCapture();
        HttpClient? http = handler is null ? null : new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var host = BuildHost(
            logs,
            DefaultSettings(kinesalite, group),
            settings,
            (_, o) => database.Configure(o),
            lp =>
            {
                lp.UseKinesis()
                    .UseEntityFrameworkOffsets<TestDb>()
                    .AddProducer<Person, PersonSerializerV2>(stream)
                    .AddConsumer(stream, consumer ?? (c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>()));
                if (outbox) lp.UseEntityFrameworkOutbox<TestDb>();
            },
            all =>
            {
                all.AddSingleton(new OrderViolations());
                services?.Invoke(all);
                if (http is not null)
                {
                    all.AddKeyedSingleton<IKinesisClient>(KinesisTransport.ClientServiceKey, (sp, _) =>
                        new KinesisClient(sp.GetRequiredService<IOptions<KinesisOptions>>().Value.ToClientOptions(), http));
                }
            });
        return new KinesisApp(host, logs, http);
    }

    /// <summary>Waits until the consumer service has started every source (shards listed, first iterators taken).</summary>
    public Task ConsumersStartedAsync() =>
        Eventually.TrueAsync(() => Logs.Entries.Any(e => e.EventId.Id == LogEvents.ConsumerStarted), TimeSpan.FromSeconds(30), "the consumer service started");

    public async Task<IReadOnlyList<RecordPosition>> SendAsync(IEnumerable<Person> people, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(people, cancellationToken);
    }

    public Task<int> AppliedAsync() => QueryAsync(db => db.People.SumAsync(p => p.Applied));

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

    protected override void DisposeResources() => _http?.Dispose();
}
