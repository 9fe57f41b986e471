namespace LogPipe.Hosting.Formats;

/// <summary>
/// Reads record values written by django-logpipe or <see cref="EnvelopeWriter"/>: detects the format from the prefix,
/// checks the envelope, and hands back the message as UTF-8 JSON whatever the wire format was.
/// </summary>
/// <remarks>
/// Every problem with a record is an <see cref="InvalidMessageException"/> whose <see cref="InvalidMessageException.Kind"/>
/// says what went wrong: <see cref="MessageErrorKind.LimitExceeded"/> (checked first, before parsing),
/// <see cref="MessageErrorKind.Undecodable"/>, <see cref="MessageErrorKind.UnknownFormat"/> (such as <c>pickle</c>,
/// which is never deserialized) or <see cref="MessageErrorKind.InvalidEnvelope"/>. Keys other than <c>type</c>,
/// <c>version</c>, <c>message</c> and <c>producer</c> are ignored. An instance is immutable and safe to share.
/// </remarks>
internal sealed class EnvelopeReader
{
    private readonly EnvelopeLimits _limits;

    /// <summary>Creates a reader.</summary>
    /// <param name="limits">The bounds records must stay within; <see cref="EnvelopeLimits.Default"/> if unsure.</param>
    public EnvelopeReader(EnvelopeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>Reads one record value.</summary>
    /// <param name="value">The record value, e.g. a Kafka message value.</param>
    /// <returns>
    /// The envelope. For <c>json</c> its <see cref="Envelope.MessageJson"/> is a slice of <paramref name="value"/>
    /// (no copy), so keep <paramref name="value"/> alive and unchanged while using it; for <c>msgpack</c> it is a new array.
    /// </returns>
    /// <exception cref="InvalidMessageException">The record is not a valid envelope within the limits.</exception>
    public Envelope Read(ReadOnlyMemory<byte> value)
    {
        try
        {
            string format = RecordPrefix.Split(value, _limits, out ReadOnlyMemory<byte> body);
            return format == WireFormat.Json
                ? JsonEnvelopeParser.Parse(body, _limits)
                : MessagePackEnvelopeParser.Parse(body, _limits);
        }
        catch (Exception ex) when (ex is not InvalidMessageException)
        {
            // The parsers turn every failure they know into a message error; anything else is a decoder gap that the
            // record's bytes reached, and it must still cost only this record (the fuzz tests look for this message).
            throw Unexpected(ex);
        }
    }

    /// <summary>
    /// Reads a <c>json:</c> record and its message in one pass when nothing about it is unusual (see
    /// <see cref="JsonEnvelopeParser.TryParseDecoding"/>); otherwise returns <see langword="false"/>, and
    /// <see cref="Read"/> with the checks after it decides what the record is.
    /// </summary>
    /// <param name="value">The record value.</param>
    /// <param name="decoderFor">The decoder for a type and version, or <see langword="null"/> when the record must take the checking path.</param>
    /// <param name="envelope">The envelope, as <see cref="Read"/> would return it.</param>
    /// <param name="decoder">The decoder that read the message.</param>
    /// <param name="message">The message.</param>
    /// <returns>Whether the record was read on the one-pass path.</returns>
    public bool TryReadDecoding(ReadOnlyMemory<byte> value, Func<string, int, MessageBodyDecoder?> decoderFor, out Envelope envelope, out MessageBodyDecoder? decoder, out object? message)
    {
        if (value.Length > _limits.MaxRecordBytes || !value.Span.StartsWith("json:"u8))
        {
            envelope = default;
            decoder = null;
            message = null;
            return false;
        }

        return JsonEnvelopeParser.TryParseDecoding(value[5..], _limits, decoderFor, out envelope, out decoder, out message);
    }

    /// <summary>The message error for a failure the parsers did not expect.</summary>
    /// <param name="exception">What the decoder threw.</param>
    /// <returns>An <see cref="MessageErrorKind.Undecodable"/> error naming the exception.</returns>
    internal static InvalidMessageException Unexpected(Exception exception) => new(
        MessageErrorKind.Undecodable,
        $"{UnexpectedPrefix}{exception.GetType().Name}: {exception.Message}",
        exception);

    /// <summary>How the message of an error from <see cref="Unexpected"/> starts.</summary>
    internal const string UnexpectedPrefix = "The record could not be decoded; the decoder failed unexpectedly with ";
}
