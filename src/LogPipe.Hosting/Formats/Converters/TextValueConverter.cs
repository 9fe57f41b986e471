using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// A converter for a value that DRF writes as a JSON string (dates, times, durations, decimals): the text is formatted
/// into a stack buffer and parsed from the reader's bytes, so neither direction allocates, and the same text serves
/// as a dictionary key.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
internal abstract class TextValueConverter<T> : JsonConverter<T>
{
    /// <summary>Longer than any text these values format to; longer input is refused rather than copied.</summary>
    private const int MaxTextLength = 64;

    /// <summary>What the value is called in error messages, e.g. "date-time".</summary>
    protected abstract string Description { get; }

    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a {Description} string, found {reader.TokenType}.");
        }

        return ParseToken(ref reader);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[MaxTextLength];
        writer.WriteStringValue(text[..Format(value, text)]);
    }

    /// <inheritdoc/>
    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ParseToken(ref reader);

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[MaxTextLength];
        writer.WritePropertyName(text[..Format(value, text)]);
    }

    /// <summary>Writes the value's text.</summary>
    /// <param name="value">The value.</param>
    /// <param name="destination">64 bytes.</param>
    /// <returns>The number of bytes written.</returns>
    protected abstract int Format(T value, Span<byte> destination);

    /// <summary>Parses the value's text, which is at most 64 bytes.</summary>
    /// <param name="text">The unescaped UTF-8 text.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether the text was valid.</returns>
    protected abstract bool TryParse(ReadOnlySpan<byte> text, out T value);

    private T ParseToken(ref Utf8JsonReader reader)
    {
        // Bounding the raw length also bounds the stack buffers the parsers use.
        long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxTextLength)
        {
            throw new JsonException($"A {Description} string of {length} bytes is too long.");
        }

        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            return Parse(reader.ValueSpan);
        }

        Span<byte> unescaped = stackalloc byte[MaxTextLength];
        int written = reader.CopyString(unescaped);
        return Parse(unescaped[..written]);
    }

    private T Parse(ReadOnlySpan<byte> text) => TryParse(text, out T value)
        ? value
        : throw new JsonException($"'{System.Text.Encoding.UTF8.GetString(text[..Math.Min(text.Length, MaxTextLength)])}' is not a valid {Description}.");
}
