using System.Diagnostics;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Formats;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting;

/// <summary>
/// The <see cref="IOutboxProducer{TModel}"/> registered by <c>AddProducer</c>: encodes like the direct producer and hands
/// the records to the scope's <see cref="IOutboxWriter"/>, which an outbox store (<c>UseEntityFrameworkOutbox</c>) registers.
/// Each entry keeps the writer's trace context and baggage (the <see cref="Activity.Current"/> of the call, through
/// <see cref="DistributedContextPropagator.Current"/>) as headers, so the consumer's span joins the trace that made the change.
/// </summary>
internal sealed class OutboxProducer<TModel, TMessage> : IOutboxProducer<TModel>
    where TModel : class
    where TMessage : class
{
    private readonly ProducerEncoder<TModel, TMessage> _encoder;
    private readonly IServiceProvider _services;
    private readonly LogPipeTelemetry _telemetry;

    public OutboxProducer(ProducerDefinition definition, IServiceProvider services, WireCodec codec, LogPipeTelemetry telemetry)
    {
        _telemetry = telemetry;
        _encoder = new ProducerEncoder<TModel, TMessage>(definition, codec);
        _services = services;
    }

    public ValueTask<OutboxEntry> SendAsync(TModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        var writer = Writer();
        var record = new OutboxRecord(_encoder.Encode(_services, model, WriterContext()), _encoder.Definition.Serializer.MessageType, _encoder.Definition.Serializer.Version);
        writer.Add([record]);
        return ValueTask.FromResult(record.ToEntry());
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> SendBatchAsync(IEnumerable<TModel> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        cancellationToken.ThrowIfCancellationRequested();
        var list = models as IReadOnlyList<TModel> ?? models.ToList();
        if (list.Count == 0) return [];
        var writer = Writer();
        var encoded = await _encoder.EncodeAllAsync(_services, list, WriterContext()).ConfigureAwait(false);
        var type = _encoder.Definition.Serializer.MessageType;
        var version = _encoder.Definition.Serializer.Version;
        var records = Array.ConvertAll(encoded, r => new OutboxRecord(r, type, version));
        writer.Add(records);
        return Array.ConvertAll(records, r => r.ToEntry());
    }

    private List<KeyValuePair<string, byte[]>>? WriterContext() => _telemetry.TracingEnabled ? TraceContext.Inject(Activity.Current) : null;

    private IOutboxWriter Writer() => _services.GetService<IOutboxWriter>()
        ?? throw new InvalidOperationException(
            $"IOutboxProducer<{typeof(TModel).Name}> needs an outbox store: add UseEntityFrameworkOutbox<TDbContext>() to AddLogPipe.");
}
