using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka;

/// <summary>Builds librdkafka client configurations: LogPipe's defaults, then <c>Common</c>, then <c>Producer</c>/<c>Consumer</c>.</summary>
internal sealed class KafkaClientSettings
{
    /// <summary>Properties LogPipe sets itself; configuration may not override them.</summary>
    public static readonly IReadOnlySet<string> ManagedByLogPipe = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "group.id", "enable.auto.commit", "enable.auto.offset.store",
    };

    /// <summary>
    /// Properties known to hold secrets: never logged, and scrubbed from every message LogPipe writes. Any property
    /// <see cref="SecretRedactor.IsSecretProperty"/> calls secret is treated the same, listed here or not.
    /// </summary>
    public static readonly IReadOnlySet<string> SecretProperties = SecretRedactor.KnownSecretProperties;

    /// <summary>The consumer's <c>fetch.wait.max.ms</c> on the embedded development broker (configuration may override it).</summary>
    public const string EmbeddedFetchWaitMaxMs = "10";

    private readonly KafkaOptions _options;
    private readonly Dictionary<string, string> _security;

    /// <summary>Creates the settings.</summary>
    /// <param name="options">The Kafka options.</param>
    /// <param name="bootstrapServers">The resolved bootstrap servers (the embedded broker's when configured so).</param>
    /// <param name="groupId">The resolved consumer group id.</param>
    public KafkaClientSettings(KafkaOptions options, string bootstrapServers, string groupId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        BootstrapServers = bootstrapServers;
        GroupId = groupId;
        IsEmbedded = string.Equals(options.BootstrapServers, KafkaOptions.Embedded, StringComparison.OrdinalIgnoreCase);
        _security = KafkaSecuritySettings.Properties(options);
        Redactor = new SecretRedactor(_security.Concat(options.Common).Concat(options.Producer).Concat(options.Consumer)
            .Where(p => SecretRedactor.IsSecretProperty(p.Key))
            .Select(p => p.Value));
    }

    /// <summary>The bootstrap servers clients connect to.</summary>
    public string BootstrapServers { get; }

    /// <summary>The consumer group id.</summary>
    public string GroupId { get; }

    /// <summary>Whether the clients talk to the embedded development broker.</summary>
    public bool IsEmbedded { get; }

    /// <summary>Scrubs configured secrets from text.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The producer configuration: idempotent, <c>acks=all</c>, Kafka's <c>murmur2_random</c> partitioner by default.</summary>
    /// <returns>The configuration.</returns>
    public ProducerConfig ProducerConfig()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            // The partitioner of the Java client and kafka-python: a key lands on the same partition whichever
            // service (Django or .NET) produced it, so per-key order holds across both.
            ["partitioner"] = "murmur2_random",
            ["linger.ms"] = "5",
            ["client.id"] = "logpipe-producer",
            // Delivery reports carry topic, partition, offset and error whatever this says; LogPipe reads only the
            // persistence status besides (without it Confluent reports every failure as possibly stored), and copying
            // each record's key and value back into managed arrays for the report cost a fifth of the delivery thread's time.
            ["dotnet.producer.delivery.report.fields"] = "status",
        };
        Overlay(settings, _security);
        Overlay(settings, _options.Common);
        Overlay(settings, _options.Producer);
        settings["bootstrap.servers"] = BootstrapServers;
        return new ProducerConfig(settings);
    }

    /// <summary>The consumer configuration: a member of the group with cooperative-sticky assignment; LogPipe commits.</summary>
    /// <returns>The configuration.</returns>
    public ConsumerConfig ConsumerConfig()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["partition.assignment.strategy"] = "cooperative-sticky",
            ["auto.offset.reset"] = _options.AutoOffsetReset == KafkaAutoOffsetReset.Latest ? "latest" : "earliest",
            ["client.id"] = "logpipe-consumer",
            // A consumer reads one topic and knows its name: no topic string decoded for every record.
            ["dotnet.consumer.consume.result.fields"] = "headers,timestamp",
        };
        if (IsEmbedded)
        {
            // The development broker holds every rebalance for session.timeout.ms - 1000 and hands out fetched
            // records slowly unless the fetch queue backs off briefly.
            settings["session.timeout.ms"] = "2000";
            settings["heartbeat.interval.ms"] = "500";
            settings["fetch.queue.backoff.ms"] = "10";
            // The development broker answers a fetch that finds no new record only when fetch.wait.max.ms runs out,
            // even if a record arrives meanwhile (a real broker answers as soon as one does): librdkafka's 500 ms
            // default made every record sent after a quiet moment wait half a second. 10 ms costs an idle consumer
            // about a hundred small fetches a second per broker, on loopback.
            settings["fetch.wait.max.ms"] = EmbeddedFetchWaitMaxMs;
        }

        Overlay(settings, _security);
        Overlay(settings, _options.Common);
        Overlay(settings, _options.Consumer);
        settings["bootstrap.servers"] = BootstrapServers;
        settings["group.id"] = GroupId;
        settings["enable.auto.commit"] = "false";
        settings["enable.auto.offset.store"] = "false";
        return new ConsumerConfig(settings);
    }

    /// <summary>
    /// The properties producer and consumer share: the typed security settings (<c>Sasl</c>, <c>Ssl</c>,
    /// <c>SecurityProtocol</c>), then <c>Common</c>. For clients of their own, such as an admin client.
    /// </summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<string, string> CommonProperties()
    {
        var settings = new Dictionary<string, string>(_security, StringComparer.Ordinal);
        Overlay(settings, _options.Common);
        return settings;
    }

    /// <summary>The configuration as text safe to log: secret values replaced by <c>***</c>.</summary>
    /// <param name="config">A client configuration.</param>
    /// <returns><c>key=value</c> pairs, secrets hidden.</returns>
    public static string Describe(IEnumerable<KeyValuePair<string, string>> config) =>
        string.Join(", ", (config ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(SecretRedactor.IsSecretProperty(p.Key) ? "***" : p.Value)}"));

    private static void Overlay(Dictionary<string, string> target, Dictionary<string, string> source)
    {
        foreach (var (key, value) in source) target[key] = value;
    }
}
