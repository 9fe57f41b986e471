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
    private readonly ProducerEncoder<TModel, TMessage> _encoder;
    private readonly IServiceScopeFactory _scopes;
    private readonly IRecordSender _sender;

    private readonly LogPipeTelemetry _telemetry;
    private readonly string _system;

    public LogPipeProducer(ProducerDefinition definition, IServiceScopeFactory scopes, WireCodec codec, TransportSelector transports, LogPipeTelemetry telemetry)
    {
        _telemetry = telemetry;
        _system = LogPipeTelemetry.MessagingSystem(transports.Name);
        _definition = definition;
        _encoder = new ProducerEncoder<TModel, TMessage>(definition, codec);
        _scopes = scopes;
        _sender = transports.Current.Sender;
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
                record = _encoder.Encode(scope.ServiceProvider, model, TraceContext.Inject(activity));
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
        OutgoingRecord[] records;
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            records = await _encoder.EncodeAllAsync(scope.ServiceProvider, list, headers).ConfigureAwait(false);
        }

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
}
