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
