using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.Benchmarks.Apps;
using LogPipe.Hosting.Kafka.Embedded;

namespace LogPipe.Hosting.Benchmarks.Kafka;

/// <summary>
/// The development broker (librdkafka's mock cluster) the Kafka phases share: by default the standalone
/// <c>LogPipe.Hosting.Kafka.DevBroker</c> as a child process, because the broker keeps every record in memory and would
/// otherwise dominate this process's working set; or <see cref="EmbeddedKafkaCluster"/> inside this process.
/// </summary>
public sealed class BenchmarkBroker : IAsyncDisposable
{
    private const string BootstrapPrefix = "bootstrap.servers=";

    private readonly Process? _process;
    private readonly EmbeddedKafkaCluster? _cluster;

    private BenchmarkBroker(string bootstrapServers, Process? process, EmbeddedKafkaCluster? cluster)
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

        var dll = Path.Combine(AppContext.BaseDirectory, "LogPipe.Hosting.Kafka.DevBroker.dll");
        var start = new ProcessStartInfo(ChildProcess.DotnetHost()) { ArgumentList = { dll } };
        foreach (var topic in topics)
        {
            start.ArgumentList.Add("--topic");
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"{topic}:{partitions}"));
        }

        var (process, line) = await ChildProcess.StartAsync(start, cancellationToken).ConfigureAwait(false);
        if (line is null || !line.StartsWith(BootstrapPrefix, StringComparison.Ordinal))
        {
            await ChildProcess.StopAsync(process).ConfigureAwait(false);
            throw new InvalidOperationException($"The development broker ({dll}) did not print its bootstrap servers; it printed '{line}'.");
        }

        return new BenchmarkBroker(line[BootstrapPrefix.Length..], process, null);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
        if (_process is not null) await ChildProcess.StopAsync(_process).ConfigureAwait(false);
    }
}
