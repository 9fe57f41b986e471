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
        try
        {
            var report = await _producer.ProduceAsync(record.Stream, ToMessage(record), cancellationToken).ConfigureAwait(false);
            _connectivity.Contact();
            return Position(report);
        }
        catch (ProduceException<byte[]?, byte[]> ex)
        {
            throw Failure(record.Stream, 1, ex.Error);
        }
    }

    public async ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var pending = new TaskCompletionSource<RecordPosition>[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var completion = pending[i] = new TaskCompletionSource<RecordPosition>(TaskCreationOptions.RunContinuationsAsynchronously);
            var record = records[i];
            var message = ToMessage(record);
            while (true)
            {
                try
                {
                    _producer.Produce(record.Stream, message, report =>
                    {
                        if (report.Error.IsError) completion.TrySetException(Failure(record.Stream, 1, report.Error));
                        else
                        {
                            _connectivity.Contact();
                            completion.TrySetResult(Position(report));
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // librdkafka's queue is full: wait for delivery reports to drain it, then hand the record over again.
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }
                catch (ProduceException<byte[]?, byte[]> ex)
                {
                    completion.TrySetException(Failure(record.Stream, 1, ex.Error));
                    break;
                }
            }
        }

        var all = Task.WhenAll(pending.Select(p => p.Task));
        try
        {
            return await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaSendException) when (all.IsFaulted)
        {
            var failures = pending.Where(p => p.Task.IsFaulted).Select(p => p.Task.Exception!.InnerException!).ToList();
            var first = (KafkaSendException)failures[0];
            throw new KafkaSendException($"{failures.Count} of {records.Count} records were not delivered; first failure: {first.Message}", first.ErrorCode, failures.Count);
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
        new(report.Topic, report.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), report.Offset.Value);

    private KafkaSendException Failure(string topic, int count, Error error) =>
        new($"Sending to '{topic}' failed: {error.Code}: {_redactor.Redact(error.Reason)}", error.Code.ToString(), count);
}
