namespace LogPipe.Hosting.Kafka.Tests.Embedded;

public sealed class DevBrokerProcessTests
{
    [Fact]
    public async Task Standalone_broker_prints_only_its_bootstrap_line_serves_other_processes_and_exits_0_when_stdin_closes()
    {
        var topic = KafkaTestCluster.NewName("people");
        using var broker = DevBrokerProcess.Start("--brokers", "3", "--topic", topic + ":6");
        var bootstrapServers = await broker.ReadBootstrapServersAsync(KafkaTestCluster.Patience);

        using (var consumer = TopicConsumer.Start(bootstrapServers, topic))
        {
            using (var producer = KafkaTestCluster.NewProducer(bootstrapServers))
            {
                await KafkaTestCluster.ProduceKeyedAsync(producer, topic, 200);
            }

            var consumed = await consumer.WaitForAsync(200, KafkaTestCluster.Patience);
            Assert.Equal(200, consumed.Select(r => r.Message.Value).Distinct().Count());
            Assert.Equal(6, consumed.Select(r => r.Partition.Value).Distinct().Count());
        }

        broker.CloseStandardInput();

        Assert.Equal(0, await broker.WaitForExitAsync(KafkaTestCluster.Patience));
        Assert.Equal(3, bootstrapServers.Split(',').Length);
        Assert.All(bootstrapServers.Split(','), s => Assert.StartsWith("127.0.0.1:", s, StringComparison.Ordinal));
        Assert.Equal(string.Empty, broker.ReadRemainingOutput());
        Assert.Contains("Never use it in production", broker.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standalone_broker_watches_no_files_and_exits_0_on_SIGTERM()
    {
        using var broker = DevBrokerProcess.Start("--brokers", "1", "--no-stdin");
        await broker.ReadBootstrapServersAsync(KafkaTestCluster.Patience);

        // A host's default configuration watches its working directory and all below it (one inotify instance); every
        // file written beside the broker would then cost it CPU. Linux only, as the whole suite.
        var descriptors = Directory.GetFiles($"/proc/{broker.Id}/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
        Assert.NotEmpty(descriptors);
        Assert.DoesNotContain("anon_inode:inotify", descriptors);

        broker.Terminate();

        Assert.Equal(0, await broker.WaitForExitAsync(KafkaTestCluster.Patience));
    }

    [Fact]
    public async Task Standalone_broker_rejects_bad_arguments_with_exit_code_2_and_usage_on_stderr()
    {
        using var broker = DevBrokerProcess.Start("--brokers", "zero");

        Assert.Equal(2, await broker.WaitForExitAsync(KafkaTestCluster.Patience));
        Assert.Equal(string.Empty, broker.ReadRemainingOutput());
        Assert.Contains("Usage:", broker.StandardError, StringComparison.Ordinal);
    }
}
