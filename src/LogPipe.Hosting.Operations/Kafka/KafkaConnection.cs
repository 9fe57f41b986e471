using Confluent.Kafka;

using LogPipe.Hosting;
using LogPipe.Hosting.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Clients for the Kafka cluster in <c>LogPipe:Kafka</c> (or <c>--bootstrap-servers</c>), with the service's own security
/// settings (<c>Common</c>, <c>Consumer</c>). librdkafka's log goes to stderr only with <c>--verbose</c>, secrets scrubbed.
/// </summary>
internal sealed class KafkaConnection
{
    private const string Section = "LogPipe:Kafka";

    private readonly KafkaClientSettings _settings;
    private readonly TextWriter? _log;

    private KafkaConnection(KafkaOptions options, string bootstrapServers, TimeSpan timeout, TextWriter? log)
    {
        // The group id is never joined or committed to: the operator layer assigns partitions by hand.
        _settings = new KafkaClientSettings(options, bootstrapServers, "logpipe-cli-" + Guid.NewGuid().ToString("N"));
        Timeout = timeout;
        _log = log;
    }

    public string BootstrapServers => _settings.BootstrapServers;

    public TimeSpan Timeout { get; }

    /// <summary>Reads <c>LogPipe:Kafka</c>.</summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <param name="bootstrapOverride">--bootstrap-servers.</param>
    /// <param name="timeout">How long to wait for the cluster.</param>
    /// <param name="log">Where client logs go (<c>--verbose</c>), or <see langword="null"/> to drop them.</param>
    /// <exception cref="OperationException">The configuration names the in-process development broker (InvalidRequest).</exception>
    public static KafkaConnection Create(IConfiguration configuration, string? bootstrapOverride, TimeSpan timeout, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new KafkaOptions();
        try
        {
            SectionBinder.Bind(configuration.GetSection(Section), options, Section);
        }
        catch (OptionsValidationException ex)
        {
            throw OperationException.Invalid(ex.Message);
        }

        var bootstrap = bootstrapOverride ?? options.BootstrapServers;
        if (string.Equals(bootstrap, KafkaOptions.Embedded, StringComparison.OrdinalIgnoreCase))
        {
            throw OperationException.Invalid(
                $"{Section}:BootstrapServers is '{KafkaOptions.Embedded}': that development broker lives inside the service's process and no other " +
                "process can reach it. Run 'logpipe broker', point the service at it (LogPipe__Kafka__BootstrapServers=<its bootstrap.servers>) " +
                "and pass the same to this tool with --bootstrap-servers.");
        }

        return new KafkaConnection(options, bootstrap, timeout, log);
    }

    /// <summary>An admin client for metadata and consumer-group descriptions.</summary>
    public IAdminClient CreateAdminClient()
    {
        var config = new AdminClientConfig(_settings.CommonProperties())
        {
            BootstrapServers = BootstrapServers,
            ClientId = "logpipe-cli",
        };
        return new AdminClientBuilder(config)
            .SetLogHandler((_, message) => Log(message.Facility, message.Message))
            .SetErrorHandler((_, error) => Log("ERROR", error.Reason))
            .Build();
    }

    /// <summary>A consumer that reads partitions assigned by hand; it never joins a group or commits.</summary>
    /// <param name="reportEndOfPartition">Whether reaching a partition's end yields an end-of-partition result.</param>
    public IConsumer<byte[]?, byte[]?> CreateReader(bool reportEndOfPartition = false)
    {
        var config = _settings.ConsumerConfig();
        config.ClientId = "logpipe-cli";
        config.EnablePartitionEof = reportEndOfPartition;
        config.AllowAutoCreateTopics = false;
        config.ConsumeResultFields = "all"; // tail prints each record's topic
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetKeyDeserializer(Deserializers.ByteArray)
            .SetValueDeserializer(Deserializers.ByteArray)
            .SetLogHandler((_, message) => Log(message.Facility, message.Message))
            .SetErrorHandler((_, error) => Log("ERROR", error.Reason))
            .Build();
    }

    /// <summary>The partitions of <paramref name="topic"/>, read from the whole cluster's metadata.</summary>
    /// <remarks>Asking for one topic by name would create it on brokers that auto-create topics, the development broker among them.</remarks>
    /// <exception cref="OperationException">The topic does not exist (NotFound); the cluster cannot be reached (Unreachable).</exception>
    public IReadOnlyList<int> Partitions(IAdminClient admin, string topic)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var metadata = Call(() => admin.GetMetadata(Timeout));
        var found = metadata.Topics.Find(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
        if (found is null) throw OperationException.NotFound($"Topic '{topic}' does not exist on {BootstrapServers}.");
        return [.. found.Partitions.Select(p => p.PartitionId).Order()];
    }

    /// <summary>The low and high watermarks (first and next offset) of one partition.</summary>
    /// <exception cref="OperationException">The cluster cannot be reached (Unreachable).</exception>
    public WatermarkOffsets Watermarks(IConsumer<byte[]?, byte[]?> reader, string topic, int partition)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Call(() => reader.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout));
    }

    /// <summary>Scrubs configured secrets (SASL passwords, keys) from a message about to be printed.</summary>
    public string Redact(string? text) => _settings.Redactor.Redact(text);

    /// <summary>Runs a client call, turning "cannot reach the cluster" into Unreachable.</summary>
    public T Call<T>(Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call();
        }
        catch (KafkaException ex) when (IsUnreachable(ex.Error.Code))
        {
            throw OperationException.Unreachable($"Cannot reach Kafka at {BootstrapServers} within {Timeout.TotalSeconds:0} s: {Redact(ex.Error.Reason)}", ex);
        }
    }

    public static bool IsUnreachable(ErrorCode code) =>
        code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut or ErrorCode.Local_Resolve or ErrorCode.RequestTimedOut;

    private void Log(string facility, string message)
    {
        if (_log is null) return;
        lock (_log)
        {
            _log.WriteLine($"kafka {facility}: {Redact(message)}");
        }
    }
}
