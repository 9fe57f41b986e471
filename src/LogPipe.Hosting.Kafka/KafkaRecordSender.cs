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

    public async ValueTask<RecordPosition> SendAsync(OutgoingRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // A batch of one: one delivery path, so a single record's failure says "possibly stored" exactly as a batch's does.
        var positions = await SendBatchAsync([record], cancellationToken).ConfigureAwait(false);
        return positions[0];
    }

    public async ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return [];

        // One completion for the whole batch (not one per record): delivery reports fill the positions by index and the
        // last one completes it. Fewer objects per record means fewer of them promoted while the batch is in flight.
        var batch = new BatchDelivery(records.Count, this);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var message = ToMessage(record);
            var report = batch.ReportFor(i, record.Stream);
            while (true)
            {
                try
                {
                    _producer.Produce(record.Stream, message, report);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // librdkafka's queue is full: wait for delivery reports to drain it, then hand the record over again.
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }
                catch (ProduceException<byte[]?, byte[]> ex)
                {
                    batch.Fail(i, Failure(record.Stream, 1, ex.Error, possiblyStored: false, KafkaSendException.NoneStored(1)), possiblyStored: false);
                    break;
                }
            }
        }

        return await batch.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The delivery state of one batch: positions by index, failures, and one completion.</summary>
    private sealed class BatchDelivery(int count, KafkaRecordSender sender)
    {
        private readonly RecordPosition[] _positions = new RecordPosition[count];
        private readonly bool[] _failed = new bool[count];
        private readonly bool[] _possiblyStored = new bool[count];
        private readonly TaskCompletionSource<IReadOnlyList<RecordPosition>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private KafkaSendException? _firstFailure;
        private int _failures;
        private int _remaining = count;

        public Task<IReadOnlyList<RecordPosition>> Task => _completion.Task;

        public Action<DeliveryReport<byte[]?, byte[]>> ReportFor(int index, string stream) => report =>
        {
            if (report.Error.IsError)
            {
                var possiblyStored = report.Status == PersistenceStatus.PossiblyPersisted;
                Fail(index, sender.Failure(stream, 1, report.Error, possiblyStored, KafkaSendException.NoneStored(1)), possiblyStored);
            }
            else
            {
                sender._connectivity.Contact();
                _positions[index] = Position(report);
                Settle();
            }
        };

        public void Fail(int index, KafkaSendException failure, bool possiblyStored)
        {
            _failed[index] = true;
            _possiblyStored[index] = possiblyStored;
            Interlocked.CompareExchange(ref _firstFailure, failure, null);
            Interlocked.Increment(ref _failures);
            Settle();
        }

        private void Settle()
        {
            if (Interlocked.Decrement(ref _remaining) != 0) return;
            if (_firstFailure is { } only && _positions.Length == 1)
            {
                _completion.TrySetException(only);
            }
            else if (_firstFailure is { } first)
            {
                // The last report settles the batch, after every other report wrote its slot (Interlocked orders them).
                var possiblyStored = Enumerable.Range(0, _positions.Length).Where(i => _possiblyStored[i]).ToArray();
                var how = possiblyStored.Length == 0
                    ? "none of them was stored"
                    : $"{possiblyStored.Length} of them possibly stored (sent, but not acknowledged in time: sending them again may store copies), " +
                      $"{_failures - possiblyStored.Length} not stored";
                _completion.TrySetException(new KafkaSendException(
                    $"{_failures} of {_positions.Length} records were not delivered ({how}); first failure: {first.Message}", first.ErrorCode, _failures)
                {
                    Positions = [.. _positions.Select((p, i) => _failed[i] ? (RecordPosition?)null : p)],
                    PossiblyStoredIndexes = possiblyStored,
                });
            }
            else
            {
                _completion.TrySetResult(_positions);
            }
        }
    }

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

    private static Message<byte[]?, byte[]> ToMessage(OutgoingRecord record)
    {
        var value = MemoryMarshal.TryGetArray(record.Value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : record.Value.ToArray();
        var message = new Message<byte[]?, byte[]> { Key = record.Key is null ? null : Encoding.UTF8.GetBytes(record.Key), Value = value };
        if (record.Headers is { Count: > 0 } headers)
        {
            message.Headers = [];
            foreach (var (name, bytes) in headers) message.Headers.Add(name, bytes);
        }

        return message;
    }

    private static RecordPosition Position(DeliveryResult<byte[]?, byte[]> report) =>
        new(report.Topic, PartitionNames.Of(report.Partition.Value), report.Offset.Value);

    private KafkaSendException Failure(string topic, int count, Error error, bool possiblyStored, IReadOnlyList<RecordPosition?>? positions = null) =>
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
