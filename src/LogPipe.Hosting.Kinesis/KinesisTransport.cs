using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Reading;
using LogPipe.Hosting.Kinesis.Sending;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// The Kinesis transport: one sender for all producers (PutRecords with per-entry retries), one shard-following source
/// per consumed stream. Checkpoints are kept per consumer group, region (<c>kinesis:&lt;region&gt;</c>), stream and shard.
/// </summary>
internal sealed class KinesisTransport : ITransport
{
    /// <summary>The name <c>LogPipe:Transport</c> selects it by.</summary>
    public const string TransportName = "Kinesis";

    /// <summary>
    /// The DI key of the <see cref="IKinesisClient"/> the transport uses. <c>UseKinesis()</c> registers a
    /// <see cref="KinesisClient"/> built from <c>LogPipe:Kinesis</c>; register a keyed singleton under this key to use
    /// another (for example one whose <see cref="HttpClient"/> goes through a proxy or a test handler).
    /// </summary>
    public const string ClientServiceKey = "LogPipe:Kinesis";

    private readonly IKinesisClient _client;
    private readonly KinesisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly Lazy<KinesisRecordSender> _sender;
    private readonly KinesisLagMetrics _lagMetrics;

    /// <summary>Creates the transport.</summary>
    /// <param name="client">The Kinesis client; not disposed by the transport.</param>
    /// <param name="options">The settings.</param>
    /// <param name="region">The region the stream lives in: part of every checkpoint's key.</param>
    /// <param name="consumerGroup">The consumer group (application name) checkpoints are kept under, for logs.</param>
    /// <param name="loggers">Creates the transport's loggers.</param>
    /// <param name="timeProvider">The clock for pacing and backoff; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="telemetry">LogPipe's meter, for the shards' lag gauges; none when <see langword="null"/>.</param>
    public KinesisTransport(IKinesisClient client, KinesisOptions options, string region, string consumerGroup, ILoggerFactory loggers, TimeProvider? timeProvider = null, LogPipeTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(loggers);
        _client = client;
        _options = options;
        _loggers = loggers;
        _time = timeProvider ?? TimeProvider.System;
        Region = region;
        CheckpointScope = "kinesis:" + region;
        _lagMetrics = new KinesisLagMetrics(telemetry, _time);
        _sender = new Lazy<KinesisRecordSender>(() => new KinesisRecordSender(client, options, _time, loggers.CreateLogger("LogPipe.Hosting.Kinesis.Producer")));
        KinesisLog.TransportCreated(loggers.CreateLogger("LogPipe.Hosting.Kinesis"), region, consumerGroup, CheckpointScope);
    }

    /// <inheritdoc />
    public string Name => TransportName;

    /// <inheritdoc />
    public IRecordSender Sender => _sender.Value;

    /// <summary>The region the streams live in.</summary>
    public string Region { get; }

    /// <summary>The <see cref="PartitionKey.Transport"/> of this transport's shards: <c>kinesis:&lt;region&gt;</c>.</summary>
    public string CheckpointScope { get; }

    /// <inheritdoc />
    public IRecordSource CreateSource(ConsumerDefinition consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return new KinesisRecordSource(_client, consumer.Stream, CheckpointScope, _options, _time, _loggers.CreateLogger("LogPipe.Hosting.Kinesis.Consumer"), _lagMetrics);
    }
}
