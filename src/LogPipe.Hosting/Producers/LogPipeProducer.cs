using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Serializers;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Producers;

/// <summary>The <see cref="IProducer{TModel}"/> registered by <c>AddProducer</c>: serializer → envelope → transport.</summary>
internal sealed class LogPipeProducer<TModel, TMessage> : IProducer<TModel>
    where TModel : class
    where TMessage : class
{
    private readonly ProducerDefinition _definition;
    private readonly IServiceProvider _services;
    private readonly WireCodec _codec;
    private readonly IRecordSender _sender;
    private readonly string _format;
    private readonly Func<TMessage, string?> _readKey;
    private MessageSerializer<TMessage>? _serializer;

    public LogPipeProducer(ProducerDefinition definition, IServiceProvider services, WireCodec codec, TransportSelector transports)
    {
        _definition = definition;
        _services = services;
        _codec = codec;
        _sender = transports.Current.Sender;
        _format = definition.Format ?? codec.DefaultFormat;
        _readKey = codec.KeyReader<TMessage>(definition.Serializer);
    }

    public Task<RecordPosition> SendAsync(TModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _sender.SendAsync(Encode(model), cancellationToken).AsTask();
    }

    public async Task<IReadOnlyList<RecordPosition>> SendBatchAsync(IEnumerable<TModel> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        var records = new List<OutgoingRecord>();
        foreach (var model in models) records.Add(Encode(model));
        return records.Count == 0 ? [] : await _sender.SendBatchAsync(records, cancellationToken).ConfigureAwait(false);
    }

    private OutgoingRecord Encode(TModel model)
    {
        var serializer = _serializer ??= (MessageSerializer<TMessage>)_services.GetRequiredService(_definition.Serializer.SerializerType);
        var message = serializer is ModelSerializer<TModel, TMessage> modelSerializer
            ? modelSerializer.ToMessage(model)
            : model as TMessage ?? throw new InvalidOperationException($"{serializer.GetType().Name} cannot map a {typeof(TModel).Name}.");
        var value = _codec.Writer.Write(_format, _definition.Serializer.MessageType, _definition.Serializer.Version, message, _codec.ProducerId);
        return new OutgoingRecord(_definition.Stream, _readKey(message), value);
    }
}
