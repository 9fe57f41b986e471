using LogPipe.Hosting.Kafka.Embedded;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// A scenario on the in-process embedded broker (3 brokers, so some can go down): one topic and consumer group with
/// random names, a fresh database, and the instances the scenario starts, all disposed with it.
/// </summary>
public sealed class EmbeddedScenario : IAsyncDisposable
{
    private readonly List<ConsumerInstance> _instances = [];

    private EmbeddedScenario(EmbeddedKafkaCluster cluster, string topic, int partitions, ScenarioDatabase database)
    {
        Cluster = cluster;
        Topic = topic;
        Partitions = partitions;
        Database = database;
        Group = $"group-{Guid.NewGuid():N}";
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public string Topic { get; }

    public int Partitions { get; }

    public string Group { get; }

    public ScenarioDatabase Database { get; }

    public Replica Replica => new(Database, BootstrapServers, Topic, Partitions, Group);

    /// <summary>Every instance started so far, stopped ones included.</summary>
    public IReadOnlyList<ConsumerInstance> Instances => _instances;

    public static async Task<EmbeddedScenario> StartAsync(int partitions, string databaseProvider)
    {
        var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 3 });
        var topic = $"people-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, partitions);
        var database = await ScenarioDatabase.CreateAsync(databaseProvider);
        await database.EnsureCreatedAsync();
        return new EmbeddedScenario(cluster, topic, partitions, database);
    }

    /// <summary>Starts a consuming instance of the group.</summary>
    public async Task<ConsumerInstance> ConsumerAsync(string name, IDictionary<string, string?>? settings = null, Probe? probe = null)
    {
        var instance = await ConsumerInstance.StartAsync(name, BootstrapServers, Topic, Group, Database.Database, settings, probe);
        _instances.Add(instance);
        return instance;
    }

    /// <summary>Starts an instance that only produces.</summary>
    public async Task<ConsumerInstance> ProducerAsync(IDictionary<string, string?>? settings = null)
    {
        var instance = await ConsumerInstance.StartProducerAsync(BootstrapServers, Topic, Group, Database.Database, settings);
        _instances.Add(instance);
        return instance;
    }

    /// <summary>How many log entries with <paramref name="eventId"/> all instances wrote.</summary>
    public int Count(int eventId) => _instances.Sum(i => i.Count(eventId));

    /// <summary>Takes every broker down, waits <paramref name="outage"/>, brings them back.</summary>
    public async Task AllBrokersDownAsync(TimeSpan outage)
    {
        for (var broker = 1; broker <= Cluster.BrokerCount; broker++) Cluster.SetBrokerDown(broker);
        await Task.Delay(outage); // the outage itself: a span of time, not a condition to wait for
        for (var broker = 1; broker <= Cluster.BrokerCount; broker++) Cluster.SetBrokerUp(broker);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Enumerable.Reverse(_instances)) await instance.DisposeAsync();
        await Cluster.DisposeAsync();
        Database.Dispose();
    }
}
