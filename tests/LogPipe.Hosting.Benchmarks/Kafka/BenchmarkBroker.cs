using System.Globalization;
using LogPipe.Hosting.Kafka.Embedded;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Benchmarks.Kafka;

/// <summary>
/// The development broker (librdkafka's mock cluster) the Kafka phases share: by default the standalone
/// <c>LogPipe.Hosting.Kafka.DevBroker</c> as a child process, because the broker keeps every record in memory and would
/// otherwise dominate this process's working set; or <see cref="EmbeddedKafkaCluster"/> inside this process.
/// </summary>
public sealed class BenchmarkBroker : IAsyncDisposable
{
    private const string BootstrapPrefix = "bootstrap.servers=";

    private readonly ChildProcess? _process;
    private readonly EmbeddedKafkaCluster? _cluster;

    private BenchmarkBroker(string bootstrapServers, ChildProcess? process, EmbeddedKafkaCluster? cluster)
    {
        BootstrapServers = bootstrapServers;
        _process = process;
        _cluster = cluster;
    }

    /// <summary>The brokers' loopback addresses.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts the broker with the given topics, each with <paramref name="partitions"/> partitions.</summary>
    public static async Task<BenchmarkBroker> StartAsync(bool childProcess, IEnumerable<string> topics, int partitions, CancellationToken cancellationToken)
    {
        if (!childProcess)
        {
            var options = new EmbeddedKafkaClusterOptions();
            foreach (var topic in topics) options.Topics[topic] = partitions;
            var cluster = EmbeddedKafkaCluster.Start(options);
            return new BenchmarkBroker(cluster.BootstrapServers, null, cluster);
        }

        const string dll = "LogPipe.Hosting.Kafka.DevBroker.dll";
        var process = ChildProcess.StartDotnet(dll, topics.SelectMany(topic => new[] { "--topic", string.Create(CultureInfo.InvariantCulture, $"{topic}:{partitions}") }));
        string line;
        try
        {
            // Its log (stderr) is kept by ChildProcess, not printed: the benchmark's output is its report.
            line = await process.ReadLineAsync(ChildProcess.Patience, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            process.Dispose();
            throw;
        }

        if (!line.StartsWith(BootstrapPrefix, StringComparison.Ordinal))
        {
            await process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            process.Dispose();
            throw new InvalidOperationException($"The development broker ({dll}) did not print its bootstrap servers; it printed '{line}'.");
        }

        return new BenchmarkBroker(line[BootstrapPrefix.Length..], process, null);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
        if (_process is not null)
        {
            // The broker stops when its stdin closes.
            await _process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            _process.Dispose();
        }
    }
}
