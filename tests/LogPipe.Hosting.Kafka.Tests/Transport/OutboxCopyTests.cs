using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kafka.Tests.Embedded;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OutboxIdentity = LogPipe.Hosting.OutboxIdentity;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>
/// A consumer with database checkpoints recognises copies of outbox records (the identity headers a relay writes, sent
/// here directly with a raw producer) and applies each identity once, on both apply paths, SQLite and PostgreSQL.
/// </summary>
public sealed class OutboxCopyTests : IAsyncLifetime
{
    private const int Partitions = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = KafkaTestCluster.Start();
    private readonly List<IAsyncDisposable> _apps = [];
    private readonly List<TemporaryDatabase> _databases = [];
    private readonly Dictionary<KafkaApp, CopyCounter> _copies = [];
    private readonly IProducer<string, string> _producer;
    private string _topic = "";
    private string _group = "";

    public OutboxCopyTests() => _producer = KafkaTestCluster.NewProducer(_cluster.BootstrapServers);

    public Task InitializeAsync()
    {
        _topic = _cluster.CreateTopic(Partitions, "people");
        _group = KafkaTestCluster.NewName("group");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps)) await app.DisposeAsync();
        foreach (var db in _databases) db.Dispose();
        foreach (var counter in _copies.Values) counter.Dispose();
        _producer.Dispose();
        await _cluster.DisposeAsync();
    }

    [Theory]
    [InlineData("sqlite", true)]
    [InlineData("sqlite", false)]
    [InlineData("postgres", true)]
    [InlineData("postgres", false)]
    public async Task A_copy_sent_again_in_a_later_unit_is_skipped_counted_and_its_offset_moves_on(string database, bool batched)
    {
        var db = await DatabaseAsync(database);
        var app = await AppAsync(db, batched);
        var copies = _copies[app];
        var people = People.Many(6);
        var identities = people.Select((_, i) => new OutboxIdentity(Source, i + 1)).ToList();

        await SendAsync(people.Select((p, i) => (p, (OutboxIdentity?)identities[i])));
        await WaitUntilHandledAsync(app);
        await SendAsync(people.Select((p, i) => (p, (OutboxIdentity?)identities[i])));
        await WaitUntilHandledAsync(app);

        var stored = await app.PeopleAsync();
        Assert.Equal(people.Select(p => p.Uuid).Order(), stored.Select(p => p.Uuid).Order());
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
        await CopiesCountedAsync(copies, 6);
        Assert.Equal(6, app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.OutboxCopySkipped));
        Assert.Empty(await app.DeadLettersAsync());
        Assert.Equal(identities, (await ReceivedAsync(app)).OrderBy(i => i.Sequence));
        Assert.Equal(batched, app.Probe.Prefetches > 0);
    }

    [Theory]
    [InlineData("sqlite", true)]
    [InlineData("sqlite", false)]
    [InlineData("postgres", true)]
    [InlineData("postgres", false)]
    public async Task Two_copies_in_one_unit_are_applied_once(string database, bool batched)
    {
        var db = await DatabaseAsync(database);
        var person = People.Joe(Guid.NewGuid());
        var identity = new OutboxIdentity(Source, 42);

        // Both on the log before the consumer starts: they are taken in one unit.
        await SendAsync([(person, identity), (person, identity)]);
        var app = await AppAsync(db, batched);
        var copies = _copies[app];
        await WaitUntilHandledAsync(app);

        Assert.Equal(1, Assert.Single(await app.PeopleAsync()).Applied);
        await CopiesCountedAsync(copies, 1);
        Assert.Equal(new[] { identity }, await ReceivedAsync(app));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_copy_arriving_after_the_consumer_restarted_is_skipped(string database)
    {
        var db = await DatabaseAsync(database);
        var person = People.Joe(Guid.NewGuid());
        var identity = new OutboxIdentity(Source, 7);
        var first = await AppAsync(db, batched: true);
        await SendAsync([(person, identity)]);
        await WaitUntilHandledAsync(first);
        await first.DisposeAsync();

        await SendAsync([(person, identity)]);
        var second = await AppAsync(db, batched: true);
        var copies = _copies[second];
        await WaitUntilHandledAsync(second);

        Assert.Equal(1, Assert.Single(await second.PeopleAsync()).Applied);
        await CopiesCountedAsync(copies, 1);
    }

    [Theory]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    public async Task Records_without_identity_headers_are_never_skipped(string database, bool batched)
    {
        var db = await DatabaseAsync(database);
        var app = await AppAsync(db, batched);
        var copies = _copies[app];
        var person = People.Joe(Guid.NewGuid());

        await SendAsync([(person, null), (person, null)]);
        await WaitUntilHandledAsync(app);
        await SendAsync([(person, null)]);
        await WaitUntilHandledAsync(app);

        Assert.Equal(3, Assert.Single(await app.PeopleAsync()).Applied);
        await CopiesCountedAsync(copies, 0);
        Assert.Empty(await ReceivedAsync(app));
    }

    [Theory]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    public async Task Records_with_malformed_identity_headers_are_applied_every_time_with_a_warning(string database, bool batched)
    {
        var db = await DatabaseAsync(database);
        var app = await AppAsync(db, batched);
        var person = People.Joe(Guid.NewGuid());
        Headers[] malformed =
        [
            Raw(("logpipe-outbox-source", "not-a-guid"), ("logpipe-outbox-sequence", "1")),
            Raw(("logpipe-outbox-source", Source.ToString("D")), ("logpipe-outbox-sequence", "-1")),
            Raw(("logpipe-outbox-source", Source.ToString("D")), ("logpipe-outbox-sequence", "1e3")),
            Raw(("logpipe-outbox-source", Source.ToString("D"))),
        ];

        foreach (var headers in malformed.Concat(malformed)) await ProduceAsync(person, headers);
        await WaitUntilHandledAsync(app);

        Assert.Equal(8, Assert.Single(await app.PeopleAsync()).Applied);
        Assert.Equal(8, app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.OutboxMalformedIdentity && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Empty(await ReceivedAsync(app));
    }

    [Theory]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    public async Task A_copy_arriving_after_its_identity_was_pruned_past_the_window_is_applied_again(string database, bool batched)
    {
        var db = await DatabaseAsync(database);
        var app = await AppAsync(db, batched, new Dictionary<string, string?> { ["LogPipe:Outbox:DeduplicationWindow"] = "00:00:00.500" });
        var person = People.Joe(Guid.NewGuid());
        var identity = new OutboxIdentity(Source, 9);
        await SendAsync([(person, identity)]);
        await WaitUntilHandledAsync(app);

        // Pruning runs after commits once due: records without identities keep units coming until the row is gone.
        await Eventually.TrueAsync(
            async () =>
            {
                await SendAsync([(People.Joe(Guid.NewGuid()), null)]);
                await WaitUntilHandledAsync(app);
                return (await ReceivedAsync(app)).Count == 0;
            },
            Patience,
            "the identity older than the window was pruned");

        // Logged just after the delete, which the test can see first.
        await Eventually.TrueAsync(() => app.Logs.Entries.Any(e => e.EventId.Id == LogEvents.OutboxIdentitiesPruned), TimeSpan.FromSeconds(10), "the pruning was logged");

        await SendAsync([(person, identity)]);
        await WaitUntilHandledAsync(app);
        Assert.Equal(2, (await app.PeopleAsync()).Single(p => p.Uuid == person.Uuid).Applied);
    }

    private static readonly Guid Source = Guid.Parse("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11");

    private async Task<TemporaryDatabase> DatabaseAsync(string kind)
    {
        var db = await TemporaryDatabase.CreateAsync(kind);
        _databases.Add(db);
        return db;
    }

    private async Task<KafkaApp> AppAsync(TemporaryDatabase db, bool batched, IDictionary<string, string?>? settings = null)
    {
        var app = KafkaApp.Create(_cluster.BootstrapServers, _topic, _group, db, settings, new Probe { Batched = batched });
        _apps.Add(app);
        _copies[app] = new CopyCounter(app);
        await app.EnsureDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    /// <summary>Sends people as version 1 records, with the identity headers a relay writes when an identity is given.</summary>
    private async Task SendAsync(IEnumerable<(Person Person, OutboxIdentity? Identity)> records)
    {
        foreach (var (person, identity) in records)
        {
            var headers = new Headers();
            foreach (var (name, value) in identity?.ToHeaders() ?? []) headers.Add(name, value);
            await ProduceAsync(person, headers);
        }
    }

    private Task ProduceAsync(Person person, Headers headers) => _producer.ProduceAsync(_topic, new Message<string, string>
    {
        Key = person.Uuid.ToString(),
        Value = $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{person.Uuid}}}","first_name":"{{{person.FirstName}}}","last_name":"{{{person.LastName}}}"}}""",
        Headers = headers,
    });

    private static Headers Raw(params (string Name, string Value)[] headers)
    {
        var raw = new Headers();
        foreach (var (name, value) in headers) raw.Add(name, Encoding.UTF8.GetBytes(value));
        return raw;
    }

    /// <summary>Waits until the stored checkpoints of every partition with records reach the log end.</summary>
    private async Task WaitUntilHandledAsync(KafkaApp app)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(_cluster.BootstrapServers, KafkaTestCluster.NewName("probe"))).Build();
        var ends = Enumerable.Range(0, Partitions)
            .Select(p => (Partition: p.ToString(System.Globalization.CultureInfo.InvariantCulture), End: consumer.QueryWatermarkOffsets(new TopicPartition(_topic, p), TimeSpan.FromSeconds(10)).High.Value))
            .Where(e => e.End > 0)
            .ToList();
        await Eventually.TrueAsync(
            async () =>
            {
                var stored = (await app.CheckpointsAsync()).Where(c => c.Stream == _topic).ToDictionary(c => c.Partition, c => c.NextOffset);
                return ends.All(e => stored.GetValueOrDefault(e.Partition) == e.End);
            },
            Patience,
            "stored offsets reach the log end");
    }

    /// <summary>Copies are counted once their unit's commit is settled, just after its checkpoints are visible.</summary>
    private static async Task CopiesCountedAsync(CopyCounter copies, long expected)
    {
        await Eventually.TrueAsync(() => copies.Total >= expected, TimeSpan.FromSeconds(10), $"{expected} copies counted");
        Assert.Equal(expected, copies.Total);
    }

    private static Task<List<OutboxIdentity>> ReceivedAsync(KafkaApp app) =>
        app.QueryAsync(db => db.Set<LogPipeOutboxReceived>().AsNoTracking().Select(r => new OutboxIdentity(r.Source, r.Sequence)).ToListAsync());

    /// <summary>Adds up <c>logpipe.records.copies_skipped</c> of one app.</summary>
    private sealed class CopyCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<long> _measurements = new();

        public CopyCounter(KafkaApp app)
        {
            var meter = app.Services.GetRequiredService<LogPipeTelemetry>().Meter;
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "logpipe.records.copies_skipped") l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _measurements.Enqueue(value));
            _listener.Start();
        }

        public long Total => _measurements.Sum();

        public void Dispose() => _listener.Dispose();
    }
}
