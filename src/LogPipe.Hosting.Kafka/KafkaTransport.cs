using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>The Kafka transport: one shared idempotent producer, one group member per consumed topic.</summary>
internal sealed class KafkaTransport : ITransport, ITransportHealth, IDisposable
{
    /// <summary>The name <c>LogPipe:Transport</c> selects it by.</summary>
    public const string TransportName = "Kafka";

    private readonly KafkaClientSettings _settings;
    private readonly ILoggerFactory _loggers;
    private readonly Lazy<KafkaRecordSender> _sender;
    private readonly KafkaConnectivity _connectivity = new();
    private readonly KafkaMetrics _metrics;

    /// <summary>Creates the transport, without metrics.</summary>
    /// <param name="settings">The resolved client settings.</param>
    /// <param name="loggers">Creates the clients' loggers.</param>
    public KafkaTransport(KafkaClientSettings settings, ILoggerFactory loggers)
        : this(settings, loggers, null)
    {
    }

    /// <summary>Creates the transport, recording its metrics on LogPipe's meter.</summary>
    /// <param name="settings">The resolved client settings.</param>
    /// <param name="loggers">Creates the clients' loggers.</param>
    /// <param name="telemetry">LogPipe's meter, or <see langword="null"/> for no metrics.</param>
    public KafkaTransport(KafkaClientSettings settings, ILoggerFactory loggers, LogPipeTelemetry? telemetry)
    {
        _settings = settings;
        _loggers = loggers;
        _metrics = new KafkaMetrics(telemetry);
        _sender = new Lazy<KafkaRecordSender>(() => new KafkaRecordSender(settings, _connectivity, loggers.CreateLogger("LogPipe.Hosting.Kafka.Producer")));
    }

    /// <inheritdoc />
    public string Name => TransportName;

    /// <inheritdoc />
    public IRecordSender Sender => _sender.Value;

    /// <summary>The settings clients are created with.</summary>
    public KafkaClientSettings Settings => _settings;

    /// <inheritdoc />
    public IRecordSource CreateSource(ConsumerDefinition consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return new KafkaRecordSource(consumer.Stream, _settings, _connectivity, _metrics, _loggers.CreateLogger("LogPipe.Hosting.Kafka.Consumer"));
    }

    /// <inheritdoc />
    public (bool Reachable, string Description) CheckReachability()
    {
        if (!_connectivity.SuspectedDown(out var reason)) return (true, $"Kafka at {_settings.BootstrapServers}");
        // All brokers were reported down and nothing was heard since: ask for metadata before calling it unreachable.
        return _sender.Value.TryReachCluster(TimeSpan.FromSeconds(2))
            ? (true, $"Kafka at {_settings.BootstrapServers}")
            : (false, $"all brokers of {_settings.BootstrapServers} are down ({_settings.Redactor.Redact(reason)})");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_sender.IsValueCreated) _sender.Value.Dispose();
    }
}
