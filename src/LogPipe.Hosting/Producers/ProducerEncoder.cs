using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Internal;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting;

/// <summary>
/// Turns models of one producer into records: serializer → message → envelope, plus the key. Shared by the direct
/// producer and the outbox producer, so a record is the same bytes whichever path sends it.
/// </summary>
internal sealed class ProducerEncoder<TModel, TMessage>
    where TModel : class
    where TMessage : class
{
    /// <summary>Batches this large encode on two threads; below it the hand-off costs more than it saves.</summary>
    private const int ParallelEncodeThreshold = 512;

    private readonly ProducerDefinition _definition;
    private readonly WireCodec _codec;
    private readonly string _format;
    private readonly Func<TMessage, string?> _readKey;

    public ProducerEncoder(ProducerDefinition definition, WireCodec codec)
    {
        _definition = definition;
        _codec = codec;
        _format = definition.Format ?? codec.DefaultFormat;
        _readKey = codec.KeyReader<TMessage>(definition.Serializer);
    }

    public ProducerDefinition Definition => _definition;

    /// <summary>Encodes one model with the serializer resolved from <paramref name="services"/> (a scope: serializers are scoped).</summary>
    public OutgoingRecord Encode(IServiceProvider services, TModel model, IReadOnlyList<KeyValuePair<string, byte[]>>? headers) =>
        Encode(Serializer(services), model, headers);

    /// <summary>Encodes one model with <paramref name="serializer"/>.</summary>
    public OutgoingRecord Encode(MessageSerializer<TMessage> serializer, TModel model, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        ArgumentNullException.ThrowIfNull(model);
        var message = serializer is ModelSerializer<TModel, TMessage> modelSerializer
            ? modelSerializer.ToMessage(model)
            : model as TMessage ?? throw new InvalidOperationException($"{serializer.GetType().Name} cannot map a {typeof(TModel).Name}.");
        var value = _codec.Writer.Write(_format, _definition.Serializer.MessageType, _definition.Serializer.Version, message, _codec.ProducerId);
        return new OutgoingRecord(_definition.Stream, _readKey(message), value, headers);
    }

    /// <summary>
    /// Maps and encodes every model before the first is sent, so a model that cannot be encoded fails the send with
    /// nothing sent. The producing thread is what bounds a batch (profiled: encoding was a sixth of it), so large
    /// batches encode their second half on another thread meanwhile; the order of the records is the order of the models.
    /// </summary>
    public Task<OutgoingRecord[]> EncodeAllAsync(IServiceProvider services, IReadOnlyList<TModel> models, IReadOnlyList<KeyValuePair<string, byte[]>>? headers) =>
        EncodeAllAsync(Serializer(services), models, headers);

    /// <inheritdoc cref="EncodeAllAsync(IServiceProvider, IReadOnlyList{TModel}, IReadOnlyList{KeyValuePair{string, byte[]}}?)"/>
    public async Task<OutgoingRecord[]> EncodeAllAsync(MessageSerializer<TMessage> serializer, IReadOnlyList<TModel> models, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        var records = new OutgoingRecord[models.Count];
        await TwoThreads.RunAsync(models.Count, ParallelEncodeThreshold, (from, to) => EncodeRange(serializer, models, records, from, to, headers)).ConfigureAwait(false);
        return records;
    }

    private void EncodeRange(MessageSerializer<TMessage> serializer, IReadOnlyList<TModel> models, OutgoingRecord[] records, int from, int to, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        for (var i = from; i < to; i++) records[i] = Encode(serializer, models[i], headers);
    }

    /// <summary>The producer's serializer, resolved from <paramref name="services"/>.</summary>
    public MessageSerializer<TMessage> Serializer(IServiceProvider services) =>
        (MessageSerializer<TMessage>)services.GetRequiredService(_definition.Serializer.SerializerType);
}
