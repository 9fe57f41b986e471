using Confluent.Kafka;
using LogPipe.Hosting.Kafka.Embedded;

namespace LogPipe.Cli.Tests.Support;

/// <summary>One embedded Kafka cluster in the test process for a test class; the tool connects to it as another process would.</summary>
public sealed class KafkaFixture : IDisposable
{
    public KafkaFixture() => Cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 1 });

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Creates a topic with a name no other test uses.</summary>
    public string NewTopic(int partitions = 1)
    {
        var topic = "t-" + Guid.NewGuid().ToString("N");
        Cluster.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>Produces raw records to one partition, in order, and waits for every delivery.</summary>
    public async Task ProduceAsync(string topic, int partition, params (string? Key, byte[] Value)[] records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All, EnableIdempotence = true }).Build();
        foreach (var (key, value) in records)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]>
            {
                Key = key is null ? null : System.Text.Encoding.UTF8.GetBytes(key),
                Value = value,
            });
        }
    }

    /// <summary>Produces records with the given message timestamps to one partition, in order, and waits for every delivery.</summary>
    public async Task ProduceAtAsync(string topic, int partition, params (DateTimeOffset Time, byte[] Value)[] records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All, EnableIdempotence = true }).Build();
        foreach (var (time, value) in records)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]> { Value = value, Timestamp = new Timestamp(time) });
        }
    }

    /// <summary>The cluster's topic names, read without creating any.</summary>
    public IReadOnlyList<string> TopicNames()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        return [.. admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic)];
    }

    public void Dispose() => Cluster.Dispose();
}
