using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// One consumer's checks, in django-logpipe's order: decode → envelope → ignored? → registered type? → exact version? →
/// lookup → validate → save. Message errors come back as outcomes; save failures are thrown.
/// </summary>
internal sealed class RecordProcessor
{
    private readonly EnvelopeReader _reader;
    private readonly Dictionary<string, Dictionary<int, SerializerInvoker>> _invokers;

    public RecordProcessor(ConsumerDefinition definition, WireCodec codec)
    {
        Definition = definition;
        _reader = codec.Reader;
        _invokers = definition.SerializersByType.ToDictionary(
            t => t.Key,
            t => t.Value.ToDictionary(v => v.Key, v => SerializerInvoker.Create(v.Value, codec.PayloadOptions)),
            StringComparer.Ordinal);
    }

    public ConsumerDefinition Definition { get; }

    public async Task<RecordOutcome> ApplyAsync(IncomingRecord record, IServiceProvider services, CancellationToken cancellationToken)
    {
        Envelope envelope;
        try
        {
            envelope = _reader.Read(record.Value);
        }
        catch (InvalidMessageException ex)
        {
            return new RecordOutcome(ex.Kind, ex.Message, null, null, ex);
        }

        if (Definition.IgnoredTypes.Contains(envelope.Type))
        {
            return new RecordOutcome(MessageErrorKind.IgnoredType, $"'{envelope.Type}' is ignored by the consumer of '{Definition.Stream}'.", envelope.Type, envelope.Version, null);
        }

        if (!_invokers.TryGetValue(envelope.Type, out var versions))
        {
            return new RecordOutcome(MessageErrorKind.UnknownType, $"No serializer is registered for message type '{envelope.Type}' on '{Definition.Stream}'.", envelope.Type, envelope.Version, null);
        }

        if (!versions.TryGetValue(envelope.Version, out var invoker))
        {
            return new RecordOutcome(
                MessageErrorKind.UnknownVersion,
                $"'{envelope.Type}' version {envelope.Version} has no serializer; registered versions: {string.Join(", ", versions.Keys.Order())}.",
                envelope.Type,
                envelope.Version,
                null);
        }

        try
        {
            await invoker.ApplyAsync(envelope, services, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidMessageException ex)
        {
            return new RecordOutcome(ex.Kind, ex.Message, envelope.Type, envelope.Version, ex);
        }

        return RecordOutcome.Applied(envelope.Type, envelope.Version);
    }
}
