using Confluent.Kafka;
using LogPipe.Hosting.Kafka.Embedded;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaRoundTripTests
{
    [Fact]
    public async Task Thousand_keyed_records_round_trip_through_a_consumer_group_and_each_key_keeps_one_partition()
    {
        await using var kafka = KafkaTestCluster.Start(brokers: 3);
        var topic = kafka.CreateTopic(partitions: 6);

        using var consumer = TopicConsumer.Start(kafka.BootstrapServers, topic);
        DeliveryResult<string, string>[] delivered;
        using (var producer = KafkaTestCluster.NewProducer(kafka.BootstrapServers))
        {
            delivered = await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 1000);
        }

        var consumed = await consumer.WaitForAsync(1000, KafkaTestCluster.Patience);

        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.Equal(1000, consumed.Select(r => r.Message.Value).Distinct().Count());
        Assert.Equal(1000, consumed.Count);
        Assert.All(consumed.GroupBy(r => r.Message.Key), g => Assert.Single(g.Select(r => r.Partition.Value).Distinct()));
        Assert.True(consumed.Select(r => r.Partition.Value).Distinct().Count() > 1, "records should spread over partitions");
    }

    [Fact]
    public async Task A_KIP_848_consumer_group_gets_its_records_with_broker_side_session_settings()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions
        {
            ConsumerGroupSessionTimeout = TimeSpan.FromSeconds(2),
            ConsumerGroupHeartbeatInterval = TimeSpan.FromMilliseconds(500),
        });
        var topic = KafkaTestCluster.NewName("topic");
        cluster.CreateTopic(topic, 3);
        using (var producer = KafkaTestCluster.NewProducer(cluster.BootstrapServers))
        {
            await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 100);
        }

        var config = KafkaTestCluster.ConsumerConfig(cluster.BootstrapServers, KafkaTestCluster.NewName("group"));
        config.GroupProtocol = GroupProtocol.Consumer;
        config.PartitionAssignmentStrategy = null; // chosen by the broker under KIP-848
        config.SessionTimeoutMs = null;
        config.HeartbeatIntervalMs = null;
        using var consumer = TopicConsumer.Start(config, topic);

        var consumed = await consumer.WaitForAsync(100, KafkaTestCluster.Patience);

        Assert.Equal(100, consumed.Select(r => r.Message.Value).Distinct().Count());
    }
}
