using System.Diagnostics;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Internal;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting;

/// <summary>
/// The <see cref="IProducer{TModel}"/> registered by <c>AddProducer</c>: serializer → envelope → transport. A singleton, so
/// singletons and hosted services can send; each send resolves the serializer in a scope of its own, because a
/// serializer is scoped (it may take a DbContext for the receiving side).
/// </summary>
internal sealed class LogPipeProducer<TModel, TMessage> : IProducer<TModel>
    where TModel : class
    where TMessage : class
{
    private readonly ProducerDefinition _definition;
    private readonly IServiceScopeFactory _scopes;
    private readonly WireCodec _codec;
    private readonly IRecordSender _sender;
    private readonly string _format;
    private readonly Func<TMessage, string?> _readKey;

    private readonly LogPipeTelemetry _telemetry;
    private readonly string _system;

    public LogPipeProducer(ProducerDefinition definition, IServiceScopeFactory scopes, WireCodec codec, TransportSelector transports, LogPipeTelemetry telemetry)
    {
        _telemetry = telemetry;
        _system = LogPipeTelemetry.MessagingSystem(transports.Name);
        _definition = definition;
        _scopes = scopes;
        _codec = codec;
        _sender = transports.Current.Sender;
        _format = definition.Format ?? codec.DefaultFormat;
        _readKey = codec.KeyReader<TMessage>(definition.Serializer);
    }

    public async Task<RecordPosition> SendAsync(TModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var activity = StartPublish(1);
        var started = Stopwatch.GetTimestamp();
        try
        {
            OutgoingRecord record;
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                record = Encode(Serializer(scope), model, TraceContext.Inject(activity));
            }

            var position = await _sender.SendAsync(record, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("messaging.destination.partition.id", position.Partition);
            Sent(1, started);
            return position;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    public async Task<IReadOnlyList<RecordPosition>> SendBatchAsync(IEnumerable<TModel> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        var list = models as IReadOnlyList<TModel> ?? models.ToList();
        if (list.Count == 0) return [];
        using var activity = StartPublish(list.Count);
        var headers = TraceContext.Inject(activity);
        var records = await EncodeAllAsync(list, headers).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var positions = await _sender.SendBatchAsync(records, cancellationToken).ConfigureAwait(false);
            Sent(records.Length, started);
            return positions;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    /// <summary>Batches this large encode on two threads; below it the hand-off costs more than it saves.</summary>
    private const int ParallelEncodeThreshold = 512;

    /// <summary>
    /// Maps and encodes every model before the first is sent, so a model that cannot be encoded fails the send with
    /// nothing sent. The producing thread is what bounds a batch (profiled: encoding was a sixth of it), so large
    /// batches encode their second half on another thread meanwhile; the order of the records is the order of the models.
    /// </summary>
    private async Task<OutgoingRecord[]> EncodeAllAsync(IReadOnlyList<TModel> models, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        var records = new OutgoingRecord[models.Count];
        var scope = _scopes.CreateAsyncScope();
        await using var disposeScope = scope.ConfigureAwait(false);
        var serializer = Serializer(scope);
        await TwoThreads.RunAsync(models.Count, ParallelEncodeThreshold, (from, to) => EncodeRange(serializer, models, records, from, to, headers)).ConfigureAwait(false);
        return records;
    }

    private void EncodeRange(MessageSerializer<TMessage> serializer, IReadOnlyList<TModel> models, OutgoingRecord[] records, int from, int to, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        for (var i = from; i < to; i++) records[i] = Encode(serializer, models[i], headers);
    }

    private MessageSerializer<TMessage> Serializer(AsyncServiceScope scope) =>
        (MessageSerializer<TMessage>)scope.ServiceProvider.GetRequiredService(_definition.Serializer.SerializerType);

    private Activity? StartPublish(int count)
    {
        if (!_telemetry.TracingEnabled || !LogPipeTelemetry.ActivitySource.HasListeners()) return null;
        var activity = LogPipeTelemetry.ActivitySource.StartActivity($"{_definition.Stream} publish", ActivityKind.Producer);
        if (activity is null) return null;
        activity.SetTag("messaging.system", _system);
        activity.SetTag("messaging.operation.type", "send");
        activity.SetTag("messaging.destination.name", _definition.Stream);
        activity.SetTag("logpipe.message_type", _definition.Serializer.MessageType);
        activity.SetTag("logpipe.version", _definition.Serializer.Version);
        if (count > 1) activity.SetTag("messaging.batch.message_count", count);
        return activity;
    }

    private void Sent(int count, long started)
    {
        if (!_telemetry.MetricsEnabled) return;
        var topic = new KeyValuePair<string, object?>("messaging.destination.name", _definition.Stream);
        _telemetry.Produced.Add(count, topic, new KeyValuePair<string, object?>("logpipe.message_type", _definition.Serializer.MessageType));
        _telemetry.SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, topic);
    }

    private OutgoingRecord Encode(MessageSerializer<TMessage> serializer, TModel model, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        ArgumentNullException.ThrowIfNull(model);
        var message = serializer is ModelSerializer<TModel, TMessage> modelSerializer
            ? modelSerializer.ToMessage(model)
            : model as TMessage ?? throw new InvalidOperationException($"{serializer.GetType().Name} cannot map a {typeof(TModel).Name}.");
        var value = _codec.Writer.Write(_format, _definition.Serializer.MessageType, _definition.Serializer.Version, message, _codec.ProducerId);
        return new OutgoingRecord(_definition.Stream, _readKey(message), value, headers);
    }
}
