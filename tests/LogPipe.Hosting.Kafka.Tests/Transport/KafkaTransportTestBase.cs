using System.Text;
using Confluent.Kafka;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Kafka.Tests.Embedded;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>
/// What the transport tests share: a real Kafka-protocol broker (librdkafka's mock cluster, 3 brokers) with a fresh
/// topic and group per test, the apps and databases a test starts (disposed with it), and the exactly-once check.
/// </summary>
public abstract class KafkaTransportTestBase : IAsyncLifetime
{
    protected const int Partitions = 6;
    private readonly List<IAsyncDisposable> _apps = [];
    private readonly List<TemporaryDatabase> _databases = [];

    protected KafkaTestCluster Cluster { get; } = KafkaTestCluster.Start();

    protected string Topic { get; private set; } = "";

    protected string Group { get; private set; } = "";

    public Task InitializeAsync()
    {
        Topic = Cluster.CreateTopic(Partitions, "people");
        Group = KafkaTestCluster.NewName("group");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps)) await app.DisposeAsync();
        foreach (var db in _databases) db.Dispose();
        await Cluster.DisposeAsync();
    }

    protected async Task<TemporaryDatabase> DatabaseAsync(string kind)
    {
        var db = await TemporaryDatabase.CreateAsync(kind);
        _databases.Add(db);
        return db;
    }

    protected async Task<KafkaApp> AppAsync(TemporaryDatabase db, IDictionary<string, string?>? settings = null, Probe? probe = null, bool start = true, bool groupOffsets = false)
    {
        var app = KafkaApp.Create(Cluster.BootstrapServers, Topic, Group, db, settings, probe, groupOffsets);
        _apps.Add(app);
        await app.EnsureDatabaseAsync();
        if (start) await app.StartAsync();
        return app;
    }

    protected async Task<KafkaApp> ProducerAppAsync(TemporaryDatabase db) =>
        await AppAsync(db, new Dictionary<string, string?> { ["LogPipe:EnableConsumers"] = "false" });

    protected static async Task<IReadOnlyList<RecordPositionView>> SendAsync(KafkaApp app, IReadOnlyList<Person> people)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();
        var positions = await producer.SendBatchAsync(people);
        return positions.Select(p => new RecordPositionView(p.Partition, p.Offset)).ToList();
    }

    /// <summary>The partition of <see cref="Topic"/> a person's records go to: they are keyed by its uuid.</summary>
    protected static int PartitionOf(Guid uuid) => KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(uuid.ToString()), Partitions);

    protected long[] EndOffsets()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaTestCluster.ConsumerConfig(Cluster.BootstrapServers, KafkaTestCluster.NewName("probe"))).Build();
        return Enumerable.Range(0, Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value)
            .ToArray();
    }

    /// <summary>Waits until <paramref name="app"/>'s database holds every person sent, each applied once, and its stored offsets reach the log end.</summary>
    protected async Task AssertExactlyOnceAsync(KafkaApp app, IReadOnlyCollection<Person> sent)
    {
        await Eventually.TrueAsync(async () => await app.PeopleCountAsync() >= sent.Count, TimeSpan.FromSeconds(90), "all people replicated");
        var people = await app.PeopleAsync();
        Assert.Equal(sent.Select(p => p.Uuid).Order(), people.Select(p => p.Uuid).Order());
        Assert.All(people, p => Assert.Equal(1, p.Applied));
        var ends = EndOffsets();
        await Eventually.TrueAsync(
            async () => (await app.CheckpointsAsync()).Where(c => c.Stream == Topic).OrderBy(c => int.Parse(c.Partition)).Select(c => c.NextOffset).SequenceEqual(ends.Where(e => e > 0)),
            TimeSpan.FromSeconds(30),
            "stored offsets reach the log end");
    }
}

/// <summary>Where a record was stored, as the tests compare it.</summary>
public readonly record struct RecordPositionView(string Partition, long Offset);
