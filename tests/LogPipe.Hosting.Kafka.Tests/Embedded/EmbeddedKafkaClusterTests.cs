using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using LogPipe.Hosting.Kafka.Embedded;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaClusterTests
{
    [Fact]
    public void Brokers_listen_on_loopback_only_one_address_per_broker()
    {
        using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 3 });

        var servers = cluster.BootstrapServers.Split(',');

        Assert.Equal(3, servers.Length);
        Assert.All(servers, s => Assert.StartsWith("127.0.0.1:", s, StringComparison.Ordinal));
        Assert.Equal(3, cluster.BrokerCount);
    }

    [Fact]
    public void Start_warns_that_the_broker_is_for_development_only_and_has_limited_retention()
    {
        var logs = new LogCapture();
        var logger = logs.CreateLogger<EmbeddedKafkaCluster>();

        using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions(), logger);

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(LogEvents.EmbeddedClusterStarted, warning.EventId.Id);
        Assert.Contains(cluster.BootstrapServers, warning.Message, StringComparison.Ordinal);
        Assert.Contains("5 MiB or 100,000 batches", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Never use it in production", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Topics_in_the_options_exist_at_start_with_their_partition_counts()
    {
        var options = new EmbeddedKafkaClusterOptions { BrokerCount = 2, DefaultPartitionCount = 5 };
        var sized = KafkaTestCluster.NewName("sized");
        var defaulted = KafkaTestCluster.NewName("defaulted");
        options.Topics[sized] = 7;
        options.Topics[defaulted] = 0;

        using var cluster = EmbeddedKafkaCluster.Start(options);

        Assert.Equal(7, PartitionCount(cluster, sized));
        Assert.Equal(5, PartitionCount(cluster, defaulted));
    }

    [Fact]
    public void Creating_a_topic_that_exists_fails_with_TopicAlreadyExists()
    {
        using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions());
        var topic = KafkaTestCluster.NewName("topic");
        cluster.CreateTopic(topic, 2);

        var error = Assert.Throws<KafkaException>(() => cluster.CreateTopic(topic, 2));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/topic")]
    public void Invalid_topic_names_are_rejected_before_reaching_librdkafka(string topic)
    {
        using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions());

        Assert.ThrowsAny<ArgumentException>(() => cluster.CreateTopic(topic, 1));
    }

    [Fact]
    public void Replication_factor_above_the_broker_count_is_rejected()
    {
        using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 2 });

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.CreateTopic(KafkaTestCluster.NewName("topic"), 1, 3));
    }

    [Fact]
    public void Unknown_broker_ids_and_partitions_fail_with_the_broker_error()
    {
        using var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 2 });
        var topic = KafkaTestCluster.NewName("topic");
        cluster.CreateTopic(topic, 1);

        Assert.Throws<KafkaException>(() => cluster.SetBrokerDown(9));
        Assert.Throws<KafkaException>(() => cluster.SetPartitionLeader(topic, 5, 1));
    }

    [Fact]
    public void Invalid_options_are_rejected_at_start()
    {
        Assert.Throws<ArgumentNullException>(() => EmbeddedKafkaCluster.Start(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedKafkaCluster.Start(
            new EmbeddedKafkaClusterOptions { GroupInitialRebalanceDelay = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task Dispose_closes_the_listeners_and_can_be_repeated()
    {
        var cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 1 });
        var endpoint = IPEndPoint.Parse(cluster.BootstrapServers);
        using (var open = new TcpClient())
        {
            await open.ConnectAsync(endpoint);
        }

        cluster.Dispose();
        await cluster.DisposeAsync();

        using var closed = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => closed.ConnectAsync(endpoint));
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("after-dispose", 1));
    }

    private static int PartitionCount(EmbeddedKafkaCluster cluster, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        return Assert.Single(metadata.Topics).Partitions.Count;
    }
}
