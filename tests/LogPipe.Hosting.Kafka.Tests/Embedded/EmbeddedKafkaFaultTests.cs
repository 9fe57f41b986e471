using Confluent.Kafka;
using LogPipe.Hosting.Kafka.Embedded;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaFaultTests
{
    /// <summary>How long the broker stays down: the outage itself, not a wait for a condition.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Sends_to_a_broker_that_is_down_for_a_while_all_succeed_and_nothing_is_lost_or_duplicated()
    {
        await using var kafka = KafkaTestCluster.Start(brokers: 3);
        var topic = kafka.CreateTopic(partitions: 6);
        using var producer = KafkaTestCluster.NewProducer(kafka.BootstrapServers);
        await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 100);
        var downBroker = Leaders(producer, topic)[0];

        kafka.Cluster.SetBrokerDown(downBroker);
        var sends = KafkaTestCluster.StartProducingKeyed(producer, topic, 900, firstValue: 100);
        var firstDone = await Task.WhenAny(sends).WaitAsync(KafkaTestCluster.Patience);
        Assert.True(firstDone.IsCompletedSuccessfully, "sends to the brokers still up should go through");
        await Task.Delay(Outage); // the outage itself: sends to the down broker must still be pending after it
        Assert.Contains(sends, s => !s.IsCompleted);
        kafka.Cluster.SetBrokerUp(downBroker);

        var delivered = await Task.WhenAll(sends);

        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        var leaders = Leaders(producer, topic);
        Assert.Contains(delivered, d => leaders[d.Partition.Value] == downBroker);
        using var consumer = TopicConsumer.Start(kafka.BootstrapServers, topic);
        var consumed = await consumer.WaitForAsync(1000, KafkaTestCluster.Patience);
        Assert.Equal(1000, consumed.Count);
        Assert.Equal(1000, consumed.Select(r => r.Message.Value).Distinct().Count());
    }

    [Fact]
    public async Task Produce_and_consume_carry_on_after_every_partition_leader_moves_to_another_broker()
    {
        await using var kafka = KafkaTestCluster.Start(brokers: 3);
        var topic = kafka.CreateTopic(partitions: 6);
        using var consumer = TopicConsumer.Start(kafka.BootstrapServers, topic);
        using var producer = KafkaTestCluster.NewProducer(kafka.BootstrapServers);
        await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 500);
        await consumer.WaitForAsync(500, KafkaTestCluster.Patience);

        var before = Leaders(producer, topic);
        var moved = before.Select(leader => leader % 3 + 1).ToArray();
        for (var partition = 0; partition < moved.Length; partition++)
        {
            kafka.Cluster.SetPartitionLeader(topic, partition, moved[partition]);
        }

        var delivered = await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 500, firstValue: 500);
        var consumed = await consumer.WaitForAsync(1000, KafkaTestCluster.Patience);

        Assert.Equal(moved, Leaders(producer, topic));
        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.Equal(1000, consumed.Count);
        Assert.Equal(1000, consumed.Select(r => r.Message.Value).Distinct().Count());
        Assert.All(consumed.GroupBy(r => r.Message.Key), g => Assert.Single(g.Select(r => r.Partition.Value).Distinct()));
    }

    [Fact]
    public async Task Retriable_produce_errors_are_retried_by_the_idempotent_producer_without_duplicates()
    {
        await using var kafka = KafkaTestCluster.Start(brokers: 3);
        var topic = kafka.CreateTopic(partitions: 3);
        using var producer = KafkaTestCluster.NewProducer(kafka.BootstrapServers);
        await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 10);

        kafka.Cluster.PushRequestErrors(
            KafkaApiKey.Produce,
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas);
        var delivered = await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 90, firstValue: 10);

        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        using var consumer = TopicConsumer.Start(kafka.BootstrapServers, topic);
        var consumed = await consumer.WaitForAsync(100, KafkaTestCluster.Patience);
        Assert.Equal(100, consumed.Select(r => r.Message.Value).Distinct().Count());
        Assert.Equal(100, consumed.Count);
    }

    [Fact]
    public async Task A_pushed_permanent_error_reaches_the_client()
    {
        await using var kafka = KafkaTestCluster.Start(brokers: 1);
        var topic = kafka.CreateTopic(partitions: 1);
        var config = KafkaTestCluster.ProducerConfig(kafka.BootstrapServers);
        config.EnableIdempotence = false; // a permanent error would be fatal for an idempotent producer
        using var producer = new ProducerBuilder<string, string>(config).Build();
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "warm-up" });

        kafka.Cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.MsgSizeTooLarge);

        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "rejected" }));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, failure.Error.Code);
        var next = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "accepted" });
        Assert.Equal(PersistenceStatus.Persisted, next.Status);
    }

    /// <summary>Leader broker id of each partition, by partition number, as the client's metadata says.</summary>
    private static int[] Leaders(IProducer<string, string> producer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        return [.. Assert.Single(metadata.Topics).Partitions.OrderBy(p => p.PartitionId).Select(p => p.Leader)];
    }
}
