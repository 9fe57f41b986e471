using System.Globalization;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting;

/// <summary>
/// LogPipe as a test sees it, added by <c>services.AddLogPipeTestHarness()</c> and resolved from the service provider:
/// what the service sent, <see cref="DrainAsync"/> to apply everything pending through the real consumer pipeline (its
/// serializers, units of work and checkpoint store), what was applied, skipped and dead-lettered, and
/// <see cref="Inject"/> to feed records in exactly as a django-logpipe service would write them.
/// </summary>
/// <remarks>Not for concurrent use by several tests: give each test its own service provider (or factory).</remarks>
public sealed class LogPipeTestHarness
{
    private readonly IServiceProvider _services;
    private readonly WireCodec _codec;
    private readonly ConsumedRecordLog _consumed;
    private readonly HashSet<(string Topic, string Partition, long Offset)> _injected = [];

    internal LogPipeTestHarness(IServiceProvider services, InMemoryBroker broker, WireCodec codec, ConsumedRecordLog consumed)
    {
        _services = services;
        Broker = broker;
        _codec = codec;
        _consumed = consumed;
    }

    /// <summary>The in-memory log the service runs on.</summary>
    public InMemoryBroker Broker { get; }

    /// <summary>Every record the service sent, topic by topic (by name), each in log order; injected records are not included.</summary>
    public IReadOnlyList<SentRecord> SentRecords => Broker.TopicNames().SelectMany(SentTo).ToList();

    /// <summary>What the consumers applied, in the order they committed it.</summary>
    public IReadOnlyList<ConsumedRecord> AppliedRecords => _consumed.Records.Where(r => r.IsApplied).ToList();

    /// <summary>What the consumers skipped, with the reason (<see cref="ConsumedRecord.Reason"/>), in the order they committed it.</summary>
    public IReadOnlyList<ConsumedRecord> SkippedRecords => _consumed.Records.Where(r => !r.IsApplied).ToList();

    /// <summary>Every record the consumers handled, applied or skipped, in the order they committed it.</summary>
    public IReadOnlyList<ConsumedRecord> ConsumedRecords => _consumed.Records;

    /// <summary>The dead letters the consumers kept (message errors, saves that kept failing), with their kind and error.</summary>
    public IReadOnlyList<DeadLetter> DeadLettered => _consumed.DeadLetters;

    /// <summary>The records the service sent to <paramref name="topic"/>, in log order (partition by partition).</summary>
    /// <param name="topic">The topic or stream name.</param>
    /// <returns>The sent records.</returns>
    public IReadOnlyList<SentRecord> SentTo(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var sent = new List<SentRecord>();
        var ends = Broker.EndOffsets(topic);
        for (var partition = 0; partition < ends.Count; partition++)
        {
            var name = partition.ToString(CultureInfo.InvariantCulture);
            for (long offset = 0; offset < ends[partition]; offset++)
            {
                if (IsInjected(topic, name, offset) || !Broker.TryGet(topic, partition, offset, out var stored)) continue;
                var decoded = DecodedEnvelope.Read(_codec.Reader, stored.Value);
                sent.Add(new SentRecord(new RecordPosition(topic, name, offset), stored.Key, stored.Value, stored.Headers, decoded, _codec.PayloadOptions));
            }
        }

        return sent;
    }

    /// <summary>The messages of <typeparamref name="TMessage"/>'s type and version that the service sent, in log order.</summary>
    /// <typeparam name="TMessage">The message class of a serializer added with <c>AddProducer</c> or <c>Register</c>.</typeparam>
    /// <returns>The messages.</returns>
    /// <exception cref="ArgumentException">No added serializer has <typeparamref name="TMessage"/> as its message class.</exception>
    public IReadOnlyList<TMessage> Sent<TMessage>()
    {
        var kinds = KindsOf(typeof(TMessage));
        return SentRecords.Where(r => kinds.Contains((r.MessageType, r.Version))).Select(r => r.Message<TMessage>()).ToList();
    }

    /// <summary>The messages of <typeparamref name="TMessage"/>'s type and version that the consumers applied, in commit order.</summary>
    /// <typeparam name="TMessage">The message class of a serializer added with <c>Register</c>.</typeparam>
    /// <returns>The messages.</returns>
    /// <exception cref="ArgumentException">No added serializer has <typeparamref name="TMessage"/> as its message class.</exception>
    public IReadOnlyList<TMessage> Applied<TMessage>()
    {
        var kinds = KindsOf(typeof(TMessage));
        return AppliedRecords.Where(r => kinds.Contains((r.MessageType, r.Version))).Select(r => r.Message<TMessage>()).ToList();
    }

    /// <summary>
    /// Appends a record encoded exactly as django-logpipe writes it (<see cref="DjangoEnvelope.Encode"/>) to
    /// <paramref name="topic"/>, as if another service had sent it. <see cref="DrainAsync"/> applies it.
    /// </summary>
    /// <param name="topic">The topic or stream name.</param>
    /// <param name="messageType">The envelope's <c>type</c>.</param>
    /// <param name="version">The envelope's <c>version</c>.</param>
    /// <param name="messageJson">The message as a JSON object with the field names on the wire.</param>
    /// <param name="format"><c>json</c> (the default) or <c>msgpack</c>.</param>
    /// <param name="producerId">The envelope's <c>producer</c>, or none.</param>
    /// <param name="key">The record key, or none.</param>
    /// <returns>Where the record was stored.</returns>
    public RecordPosition Inject(string topic, string messageType, int version, string messageJson, string format = "json", string? producerId = null, string? key = null) =>
        InjectRaw(topic, DjangoEnvelope.Encode(format, messageType, version, messageJson, producerId), key);

    /// <summary>Appends a record of any bytes to <paramref name="topic"/>, as if another service had sent it.</summary>
    /// <param name="topic">The topic or stream name.</param>
    /// <param name="value">The record value, kept exactly.</param>
    /// <param name="key">The record key, or none.</param>
    /// <param name="headers">Transport headers, or none.</param>
    /// <returns>Where the record was stored.</returns>
    public RecordPosition InjectRaw(string topic, ReadOnlyMemory<byte> value, string? key = null, IReadOnlyList<KeyValuePair<string, byte[]>>? headers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        lock (_injected)
        {
            var position = Broker.Append(topic, key, value, headers);
            _injected.Add((position.Stream, position.Partition, position.Offset));
            return position;
        }
    }

    /// <summary>
    /// Publishes what the outbox holds (when the service uses one), then applies every pending record through the consumer
    /// pipeline until none is ready and none waits for a retry or its minimum lag; returns once those units committed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many records were handled (applied, skipped or dead-lettered).</returns>
    /// <exception cref="InvalidOperationException">Another instance holds the outbox's lease, so its entries could not be published here.</exception>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        foreach (var relay in _services.GetServices<IPendingOutboxRelay>())
        {
            if (!await relay.RelayPendingAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The outbox's lease is held by another instance sharing this database, so its entries could not be published by this test. Give each test a database of its own.");
            }
        }

        var runner = _services.GetService<LogPipeConsumerRunner>()
            ?? throw new InvalidOperationException("LogPipe is not added to these services: call AddLogPipe before resolving the harness.");
        return await runner.DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets what was applied, skipped and dead-lettered so far (the log and the database keep it).</summary>
    public void ClearConsumed() => _consumed.Clear();

    private bool IsInjected(string topic, string partition, long offset)
    {
        lock (_injected)
        {
            return _injected.Contains((topic, partition, offset));
        }
    }

    private HashSet<(string?, int?)> KindsOf(Type messageClass)
    {
        var configuration = _services.GetRequiredService<LogPipeConfiguration>();
        var kinds = configuration.Producers.Select(p => p.Serializer)
            .Concat(configuration.Consumers.SelectMany(c => c.Serializers))
            .Where(s => s.MessageClrType == messageClass)
            .Select(s => ((string?)s.MessageType, (int?)s.Version))
            .ToHashSet();
        return kinds.Count > 0
            ? kinds
            : throw new ArgumentException($"No serializer added with AddProducer or Register has {messageClass.Name} as its message class, so its type and version are unknown.", nameof(messageClass));
    }
}
