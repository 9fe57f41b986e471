using LogPipe.Hosting.Kafka.Embedded;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.DevBroker;

/// <summary>Starts the embedded cluster with the host, announces where it listens, and stops it with the host.</summary>
internal sealed class DevBrokerService(DevBrokerArguments arguments, TextWriter announcements, ILogger<EmbeddedKafkaCluster> clusterLogger, ILogger<DevBrokerService> logger)
    : IHostedService, IDisposable
{
    private EmbeddedKafkaCluster? _cluster;

    /// <summary>The line scripts parse; it is the first thing on stdout.</summary>
    internal static string BootstrapLine(string bootstrapServers) => "bootstrap.servers=" + bootstrapServers;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = arguments.Brokers, DefaultPartitionCount = arguments.DefaultPartitions }, clusterLogger);
        foreach (var topic in arguments.Topics)
        {
            _cluster.CreateTopic(topic.Name, topic.Partitions, topic.Replicas);
        }

        // Topics exist before the line appears, so a script may use them as soon as it reads it.
        announcements.WriteLine(BootstrapLine(_cluster.BootstrapServers));
        announcements.Flush();
        DevBrokerLog.Ready(logger, _cluster.BootstrapServers, arguments.WatchStandardInput);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _cluster?.Dispose();
}
