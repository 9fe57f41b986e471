using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Sends records with one idempotent librdkafka producer shared by all <c>IProducer&lt;T&gt;</c>s. Batches are handed to
/// librdkafka without waiting record by record; completion comes from the delivery reports.
/// </summary>
internal sealed class KafkaRecordSender : IRecordSender, IDisposable
{
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly SecretRedactor _redactor;

    private readonly KafkaConnectivity _connectivity;
    private readonly KafkaPendingRecordPool _pending = new();
    private TopicPartition? _lastDestination;

    public KafkaRecordSender(KafkaClientSettings settings, KafkaConnectivity connectivity, ILogger logger)
    {
        _connectivity = connectivity;
        _redactor = settings.Redactor;
        var config = settings.ProducerConfig();
        _producer = new ProducerBuilder<byte[]?, byte[]>(config)
            .SetErrorHandler((_, e) =>
            {
                connectivity.Report(e);
                if (e.IsFatal) KafkaLog.ClientFatal(logger, "producer", e.Code.ToString(), _redactor.Redact(e.Reason));
                else KafkaLog.ClientError(logger, "producer", e.Code.ToString(), _redactor.Redact(e.Reason));
            })
            .SetLogHandler((_, m) => KafkaLog.Librdkafka(logger, "producer", m.Facility, _redactor.Redact(m.Message)))
            .Build();
        if (logger.IsEnabled(LogLevel.Information)) KafkaLog.ClientCreated(logger, "producer", KafkaClientSettings.Describe(config));
    }

    public ValueTask<RecordPosition> SendAsync(OutgoingRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // A batch of one: one delivery path, so a single record's failure says "possibly stored" exactly as a batch's does.
        // Concurrent single sends are the producer's busiest path: the caller waits on the delivery's own completion
        // (profiled: an async layer here, a list of one position and a task to wait with a token were 470 B per send).
        var batch = new KafkaBatchDelivery(1, this, _pending, single: true);
        if (!TryProduce(record, 0, batch.First, batch, HeadersOf(record.Headers))) return SendWhenRoomAsync(record, batch, cancellationToken);
        batch.CancelWaitWith(cancellationToken);
        return new ValueTask<RecordPosition>(batch.SingleTask);
    }

    /// <summary>A single send that found librdkafka's queue full: hands it over again once reports made room.</summary>
    private async ValueTask<RecordPosition> SendWhenRoomAsync(OutgoingRecord record, KafkaBatchDelivery batch, CancellationToken cancellationToken)
    {
        do
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
        while (!TryProduce(record, 0, batch.First, batch, HeadersOf(record.Headers)));

        batch.CancelWaitWith(cancellationToken);
        return await batch.SingleTask.ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return [];

        // One completion for the whole batch; each record's message and delivery handler come from the pool and go back
        // to it when the batch has every report. The topic and headers of a batch are usually one object each: made once.
        var batch = new KafkaBatchDelivery(records.Count, this, _pending);
        var message = batch.First;
        IReadOnlyList<KeyValuePair<string, byte[]>>? headersOf = null;
        var headers = NoHeaders;
        for (var i = 0; i < records.Count; i++, message = message.Next!)
        {
            var record = records[i];
            if (!ReferenceEquals(headersOf, record.Headers)) (headersOf, headers) = (record.Headers, HeadersOf(record.Headers));
            while (!TryProduce(record, i, message, batch, headers))
            {
                // librdkafka's queue is full: wait for delivery reports to drain it, then hand the record over again.
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }

            // librdkafka copied key and value: the pooled message need not keep them alive while it waits for its report.
            // Not the last one: once it is handed over, the batch may settle and another batch may already be filling it
            // (its report clears it instead).
            if (i < records.Count - 1) message.Clear();
        }

        return await batch.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands one record to librdkafka as <paramref name="message"/>, the record at <paramref name="index"/> of
    /// <paramref name="batch"/>. Returns <see langword="false"/> when librdkafka's queue is full (nothing handed over:
    /// try again after a moment); a record librdkafka refuses otherwise is failed in the batch.
    /// </summary>
    private bool TryProduce(OutgoingRecord record, int index, KafkaPendingRecord message, KafkaBatchDelivery batch, Headers headers)
    {
        message.Key = record.Key is null ? null : Encoding.UTF8.GetBytes(record.Key);
        message.Value = ValueOf(record);
        message.Headers = headers;
        try
        {
            _producer.Produce(Destination(record.Stream), message, message.OnDelivery);
            return true;
        }
        catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            return false;
        }
        catch (ProduceException<byte[]?, byte[]> ex)
        {
            message.Clear();
            batch.Fail(index, Failure(record.Stream, 1, ex.Error, possiblyStored: false, KafkaSendException.NoneStored(1)), possiblyStored: false);
            return true;
        }
    }

    /// <summary>The destination of a record to <paramref name="topic"/>: the last one made, while the topic stays the same.</summary>
    private TopicPartition Destination(string topic)
    {
        var last = Volatile.Read(ref _lastDestination);
        if (last is not null && ReferenceEquals(last.Topic, topic)) return last;
        last = new TopicPartition(topic, Partition.Any);
        Volatile.Write(ref _lastDestination, last);
        return last;
    }

    /// <summary>The messages and delivery handlers free for the next batches.</summary>
    internal KafkaPendingRecordPool PendingRecords => _pending;

    /// <summary>Notes that the cluster answered (a delivery report arrived).</summary>
    internal void Contacted() => _connectivity.Contact();

    /// <summary>Asks the cluster for metadata: the reachability probe of the health check.</summary>
    public bool TryReachCluster(TimeSpan timeout)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Brokers.Count == 0) return false;
            _connectivity.Contact();
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        // Deliver what is queued before closing; bounded so shutdown cannot hang on an unreachable cluster.
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    /// <summary>Headers shared by every record sent without any (Confluent would otherwise make an empty set per record).</summary>
    private static readonly Headers NoHeaders = [];

    private static Headers HeadersOf(IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        if (headers is not { Count: > 0 }) return NoHeaders;
        var result = new Headers();
        foreach (var (name, bytes) in headers) result.Add(name, bytes);
        return result;
    }

    private static byte[] ValueOf(OutgoingRecord record) =>
        MemoryMarshal.TryGetArray(record.Value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : record.Value.ToArray();

    internal KafkaSendException Failure(string topic, int count, Error error, bool possiblyStored, IReadOnlyList<RecordPosition?>? positions = null) =>
        new(
            possiblyStored
                ? $"Sending to '{topic}' failed: {error.Code}: {_redactor.Redact(error.Reason)} (possibly stored: the record was sent but not acknowledged in time; sending it again may store a copy)"
                : $"Sending to '{topic}' failed: {error.Code}: {_redactor.Redact(error.Reason)}",
            error.Code.ToString(),
            count)
        {
            Positions = positions ?? [],
            PossiblyStoredIndexes = possiblyStored && positions is { Count: 1 } ? [0] : [],
        };
}
