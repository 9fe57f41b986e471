using LogPipe.Hosting.Kafka.Embedded;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The embedded development broker of a service configured with <c>LogPipe:Kafka:BootstrapServers = embedded</c>: started
/// on first use with every topic the service produces to or consumes, stopped with the application.
/// </summary>
public sealed class EmbeddedKafkaBroker : IDisposable
{
    private readonly Lazy<EmbeddedKafkaCluster> _cluster;

    /// <summary>Creates the broker host (the cluster starts on first use).</summary>
    /// <param name="options">The Kafka options.</param>
    /// <param name="configuration">The service's producers and consumers, whose topics are created at start.</param>
    /// <param name="loggers">Creates the broker's logger.</param>
    public EmbeddedKafkaBroker(IOptions<KafkaOptions> options, LogPipeConfiguration configuration, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(loggers);
        var embedded = options.Value.EmbeddedBroker;
        var logger = loggers.CreateLogger("LogPipe.Hosting.Kafka.EmbeddedBroker");
        _cluster = new Lazy<EmbeddedKafkaCluster>(() =>
        {
            var clusterOptions = new EmbeddedKafkaClusterOptions { BrokerCount = embedded.Brokers, DefaultPartitionCount = embedded.Partitions };
            foreach (var stream in configuration.Producers.Select(p => p.Stream).Concat(configuration.Consumers.Select(c => c.Stream)).Distinct())
            {
                clusterOptions.Topics[stream] = embedded.Partitions;
            }

            // The cluster itself warns, at start, that it is a development broker with limited retention.
            return EmbeddedKafkaCluster.Start(clusterOptions, logger);
        });
    }

    /// <summary>The running cluster (started now if it was not yet).</summary>
    public EmbeddedKafkaCluster Cluster => _cluster.Value;

    /// <summary>The cluster's bootstrap servers (loopback addresses).</summary>
    public string BootstrapServers => Cluster.BootstrapServers;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_cluster.IsValueCreated) _cluster.Value.Dispose();
    }
}
