using System.Text;
using System.Text.Json;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Reads a <c>json:</c> envelope in one forward pass. The message is returned as a slice of the input, not a copy.
/// </summary>
internal static class JsonEnvelopeParser
{
    /// <summary>Reads the envelope in <paramref name="body"/>.</summary>
    /// <param name="body">The bytes after <c>json:</c>.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <returns>The envelope; its <see cref="Envelope.MessageJson"/> points into <paramref name="body"/>.</returns>
    /// <exception cref="InvalidMessageException">The body is not a valid envelope.</exception>
    public static Envelope Parse(ReadOnlyMemory<byte> body, EnvelopeLimits limits)
    {
        ReadOnlySpan<byte> json = body.Span;
        JsonLimits.RequireUtf8(json);
        var fields = new EnvelopeFields();
        try
        {
            var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions(limits));
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Read the whole value first: a broken body is undecodable, only a well-formed one is "not an envelope".
                JsonTokenType top = reader.TokenType;
                JsonLimits.SkipValue(ref reader, limits);
                JsonLimits.RequireEnd(ref reader);
                throw EnvelopeFields.NotAnEnvelope(Describe(top));
            }

            JsonLimits.CheckToken(ref reader, limits);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                JsonLimits.CheckToken(ref reader, limits);
                if (JsonStrings.NameEquals(ref reader, "type"u8))
                {
                    reader.Read();
                    fields.Type = ReadString(ref reader, limits, "type", allowNull: false, lenient: false);
                }
                else if (JsonStrings.NameEquals(ref reader, "version"u8))
                {
                    reader.Read();
                    fields.Version = ReadVersion(ref reader);
                }
                else if (JsonStrings.NameEquals(ref reader, "message"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw EnvelopeFields.WrongKind("message", "an object", Describe(reader.TokenType));
                    }

                    int start = (int)reader.TokenStartIndex;
                    JsonLimits.SkipValue(ref reader, limits);
                    fields.Message = body[start..(int)reader.BytesConsumed];
                }
                else if (JsonStrings.NameEquals(ref reader, "producer"u8))
                {
                    reader.Read();
                    fields.Producer = ReadString(ref reader, limits, "producer", allowNull: true, lenient: true);
                }
                else
                {
                    reader.Read();
                    JsonLimits.SkipValue(ref reader, limits);
                }
            }

            JsonLimits.RequireEnd(ref reader);
        }
        catch (JsonException ex)
        {
            throw JsonLimits.Undecodable(ex);
        }

        return fields.ToEnvelope(WireFormat.Json);
    }

    /// <summary>
    /// The one-pass path for the usual record: reads the envelope and, on reaching its message, deserializes it from the
    /// same reader, so the message's bytes are tokenized once rather than twice (once to find where the message ends,
    /// once to deserialize it). It takes only what is plainly fine: a body no longer than the longest string allowed (so
    /// no string in it can be too long), nested less deeply than both the limit and the payload's own depth,
    /// <c>type</c> and <c>version</c> before <c>message</c>, no escaped or repeated envelope keys, and a type and
    /// version <paramref name="decoderFor"/> has a decoder for. For anything else, and whenever anything throws, it
    /// returns <see langword="false"/> and the caller takes <see cref="Parse"/> and the checks after it, which name the
    /// problem: this path never accepts a record they refuse, and never words an error.
    /// </summary>
    /// <param name="body">The bytes after <c>json:</c>.</param>
    /// <param name="limits">The limits in force.</param>
    /// <param name="decoderFor">The decoder for a type and version, or <see langword="null"/> when the record must take the checking path.</param>
    /// <param name="envelope">The envelope, as <see cref="Parse"/> would return it.</param>
    /// <param name="decoder">The decoder <paramref name="decoderFor"/> gave.</param>
    /// <param name="message">The message it decoded, never <see langword="null"/> when this returns <see langword="true"/>.</param>
    /// <returns>Whether the record was read on this path.</returns>
    public static bool TryParseDecoding(
        ReadOnlyMemory<byte> body,
        EnvelopeLimits limits,
        Func<string, int, MessageBodyDecoder?> decoderFor,
        out Envelope envelope,
        out MessageBodyDecoder? decoder,
        out object? message)
    {
        envelope = default;
        decoder = null;
        message = null;
        ReadOnlySpan<byte> json = body.Span;
        if (json.Length > limits.MaxStringLength || !System.Text.Unicode.Utf8.IsValid(json))
        {
            return false;
        }

        try
        {
            // One level stricter than the limit check and than the payload's depth, relative to the message: a record
            // at either boundary takes the checking path.
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Math.Min(limits.MaxDepth - 1, PayloadJson.DefaultMaxDepth) });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? type = null, producer = null;
            int? version = null;
            bool producerSeen = false;
            ReadOnlyMemory<byte>? messageJson = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                if (reader.ValueSpan.SequenceEqual("type"u8))
                {
                    if (type is not null || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                    {
                        return false;
                    }

                    type = RecentStrings.Get(reader.ValueSpan);
                }
                else if (reader.ValueSpan.SequenceEqual("version"u8))
                {
                    if (version is not null || !reader.Read() || reader.TokenType != JsonTokenType.Number
                        || reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0 || !reader.TryGetInt32(out int number))
                    {
                        return false;
                    }

                    version = number;
                }
                else if (reader.ValueSpan.SequenceEqual("message"u8))
                {
                    if (messageJson is not null || type is null || version is null || !reader.Read() || reader.TokenType != JsonTokenType.StartObject
                        || decoderFor(type, version.Value) is not { } found)
                    {
                        return false;
                    }

                    int start = (int)reader.TokenStartIndex;
                    message = found.Decode(ref reader);
                    if (message is null || reader.TokenType != JsonTokenType.EndObject)
                    {
                        return false;
                    }

                    decoder = found;
                    messageJson = body[start..(int)reader.BytesConsumed];
                }
                else if (reader.ValueSpan.SequenceEqual("producer"u8))
                {
                    if (producerSeen || !reader.Read())
                    {
                        return false;
                    }

                    producerSeen = true;
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                    {
                        producer = RecentStrings.Get(reader.ValueSpan);
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }

            // As in Parse: anything but whitespace after the envelope makes this Read throw.
            reader.Read();
            if (messageJson is not { } messageBytes)
            {
                return false;
            }

            envelope = new Envelope(WireFormat.Json, type!, version!.Value, messageBytes, producer);
            return true;
        }
        catch (Exception)
        {
            // Broken JSON, a message that does not fit its class, too deep a nesting: the checking path says which.
            message = null;
            decoder = null;
            return false;
        }
    }

    /// <summary>Reads an envelope string; <paramref name="lenient"/> keeps lone surrogates as U+FFFD instead of refusing them.</summary>
    private static string? ReadString(ref Utf8JsonReader reader, EnvelopeLimits limits, string key, bool allowNull, bool lenient)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            JsonLimits.CheckToken(ref reader, limits);
            if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            {
                // The usual case, and the same few types and producers record after record: no new string each time.
                return RecentStrings.Get(reader.ValueSpan);
            }

            string text = JsonStrings.Read(ref reader, out bool loneSurrogate);
            if (loneSurrogate && !lenient)
            {
                // No serializer's type can match such text; say what is wrong rather than "unknown type '\uFFFD'".
                throw EnvelopeFields.LoneSurrogate(key);
            }

            // A lone surrogate in the producer id (Python writes "\udc00" for it) is informational text: kept as U+FFFD.
            return text;
        }

        if (allowNull && reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        throw EnvelopeFields.WrongKind(key, allowNull ? "a string or null" : "a string", Describe(reader.TokenType));
    }

    private static int ReadVersion(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw EnvelopeFields.WrongKind("version", "an integer", Describe(reader.TokenType));
        }

        ReadOnlySpan<byte> number = reader.ValueSpan;
        if (number.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0 || !reader.TryGetInt32(out int version))
        {
            // Numbers are at most a record long; show a bounded prefix.
            throw EnvelopeFields.VersionOutOfRange(Encoding.UTF8.GetString(number[..Math.Min(number.Length, 32)]));
        }

        return version;
    }

    /// <summary>A JSON token kind as a reader of the error message would call the value.</summary>
    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
