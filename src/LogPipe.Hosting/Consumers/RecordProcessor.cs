using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// One consumer's checks, in django-logpipe's order: decode → envelope → ignored? → registered type? → exact version? →
/// (deserialize) → lookup → validate → save. <see cref="Prepare"/> does everything before the database; message errors
/// come back as outcomes, save failures are thrown.
/// </summary>
internal sealed class RecordProcessor
{
    private readonly EnvelopeReader _reader;
    private readonly Dictionary<string, Dictionary<int, SerializerInvoker>> _invokers;
    private readonly Func<string, int, MessageBodyDecoder?> _decoderFor;

    public RecordProcessor(ConsumerDefinition definition, WireCodec codec)
    {
        Definition = definition;
        _reader = codec.Reader;
        _invokers = definition.SerializersByType.ToDictionary(
            t => t.Key,
            t => t.Value.ToDictionary(v => v.Key, v => SerializerInvoker.Create(v.Value, codec.PayloadOptions)),
            StringComparer.Ordinal);
        _decoderFor = DecoderFor;
    }

    public ConsumerDefinition Definition { get; }

    /// <summary>
    /// The usual record in one pass (<see cref="EnvelopeReader.TryReadDecoding"/>); anything unusual, and every error,
    /// on <see cref="PrepareChecking"/>, which it always agrees with.
    /// </summary>
    public PreparedRecord Prepare(IncomingRecord record) => TryPrepareInOnePass(record, out var prepared) ? prepared : PrepareChecking(record);

    /// <summary>The one-pass path alone: <see langword="false"/> for every record it leaves to <see cref="PrepareChecking"/>.</summary>
    internal bool TryPrepareInOnePass(IncomingRecord record, out PreparedRecord prepared)
    {
        var read = _reader.TryReadDecoding(record.Value, _decoderFor, out var envelope, out var decoder, out var message);
        prepared = read ? new PreparedRecord(null, envelope, (SerializerInvoker)decoder!, message) : default;
        return read;
    }

    /// <summary>Decodes the envelope, then checks it step by step and deserializes the message: names what is wrong.</summary>
    internal PreparedRecord PrepareChecking(IncomingRecord record)
    {
        Envelope envelope;
        try
        {
            envelope = _reader.Read(record.Value);
        }
        catch (InvalidMessageException ex)
        {
            return PreparedRecord.Failed(new RecordOutcome(ex.Kind, ex.Message, null, null, ex));
        }
        catch (Exception ex)
        {
            // The reader turns every failure into a message error; should one slip through, it still costs only this record.
            var error = EnvelopeReader.Unexpected(ex);
            return PreparedRecord.Failed(new RecordOutcome(error.Kind, error.Message, null, null, ex));
        }

        if (Definition.IgnoredTypes.Contains(envelope.Type))
        {
            return PreparedRecord.Failed(new RecordOutcome(MessageErrorKind.IgnoredType, $"'{envelope.Type}' is ignored by the consumer of '{Definition.Stream}'.", envelope.Type, envelope.Version, null));
        }

        if (!_invokers.TryGetValue(envelope.Type, out var versions))
        {
            return PreparedRecord.Failed(new RecordOutcome(MessageErrorKind.UnknownType, $"No serializer is registered for message type '{envelope.Type}' on '{Definition.Stream}'.", envelope.Type, envelope.Version, null));
        }

        if (!versions.TryGetValue(envelope.Version, out var invoker))
        {
            return PreparedRecord.Failed(new RecordOutcome(
                MessageErrorKind.UnknownVersion,
                $"'{envelope.Type}' version {envelope.Version} has no serializer; registered versions: {string.Join(", ", versions.Keys.Order())}.",
                envelope.Type,
                envelope.Version,
                null));
        }

        try
        {
            return new PreparedRecord(null, envelope, invoker, invoker.Deserialize(envelope));
        }
        catch (InvalidMessageException ex)
        {
            return PreparedRecord.Failed(new RecordOutcome(ex.Kind, ex.Message, envelope.Type, envelope.Version, ex));
        }
        catch (Exception ex)
        {
            // The invoker turns what deserializing throws into message errors; this is the last line, per record.
            return PreparedRecord.Failed(new RecordOutcome(
                MessageErrorKind.InvalidMessage,
                $"'{envelope.Type}' version {envelope.Version} could not be deserialized: {ex.GetType().Name}: {ex.Message}",
                envelope.Type,
                envelope.Version,
                ex));
        }
    }

    /// <summary>The invoker of a type and version this consumer applies, or <see langword="null"/> (ignored, unknown: the checking path says which).</summary>
    private SerializerInvoker? DecoderFor(string type, int version) =>
        !Definition.IgnoredTypes.Contains(type) && _invokers.TryGetValue(type, out var versions) && versions.TryGetValue(version, out var invoker) ? invoker : null;

    public static Task<RecordOutcome> ApplyAsync(PreparedRecord prepared, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (prepared.Error is { } error) return Task.FromResult(error);
        var invoker = prepared.Invoker!;
        Task apply;
        try
        {
            apply = invoker.ApplyAsync(prepared.Envelope, prepared.Message!, services, cancellationToken);
        }
        catch (Exception ex)
        {
            // Thrown before the save's task existed: awaited below, so it ends as it would have from an async save.
            apply = Task.FromException(ex);
        }

        // Most saves of a batched unit complete at once: their outcome is the serializer's one completed task, so a
        // record costs no task of its own.
        return apply.IsCompletedSuccessfully ? invoker.Applied : AwaitAsync(apply, prepared);
    }

    private static async Task<RecordOutcome> AwaitAsync(Task apply, PreparedRecord prepared)
    {
        try
        {
            await apply.ConfigureAwait(false);
        }
        catch (InvalidMessageException ex)
        {
            return new RecordOutcome(ex.Kind, ex.Message, prepared.Envelope.Type, prepared.Envelope.Version, ex);
        }

        return RecordOutcome.Applied(prepared.Envelope.Type, prepared.Envelope.Version);
    }

    public Task<RecordOutcome> ApplyAsync(IncomingRecord record, IServiceProvider services, CancellationToken cancellationToken) =>
        ApplyAsync(Prepare(record), services, cancellationToken);
}
