using System.Buffers;
using System.Text.Json;
using MessagePack;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// The analogue of django-logpipe's <c>format.render</c> and <c>format.parse</c> for any value, not only envelopes:
/// <c>json:{"foo":"bar"}</c> and <c>msgpack:\x81\xa3foo\xa3bar</c>.
/// </summary>
internal static class RecordFormat
{
    /// <summary>Serializes <paramref name="value"/> and prefixes it with its format code.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="code"><see cref="WireFormat.Json"/> or <see cref="WireFormat.MessagePack"/>.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">How the value is serialized; normally <see cref="PayloadJson.CreateOptions(JsonNamingPolicy?)"/>.</param>
    /// <returns>The bytes django-logpipe's <c>render(code, data)</c> would produce for the same data.</returns>
    /// <exception cref="ArgumentException"><paramref name="code"/> is unknown.</exception>
    /// <exception cref="JsonException">The value cannot be serialized (for example it holds NaN).</exception>
    public static byte[] Render<T>(string code, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(options);
        ReadOnlySpan<byte> prefix = RecordPrefix.For(code, nameof(code));
        ScratchBuffers scratch = ScratchBuffers.Rent();
        try
        {
            JsonSerializer.Serialize(scratch.JsonWriter, value, options);
            scratch.JsonWriter.Flush();
            if (code == WireFormat.Json)
            {
                scratch.Output.Write(prefix);
                PythonJsonEncoder.Recode(scratch.Json.WrittenSpan, scratch.Output);
            }
            else
            {
                var msgpack = new MessagePackWriter(scratch.Output);
                msgpack.WriteRaw(prefix);
                JsonToMessagePack.Transcode(scratch.Json.WrittenSpan, ref msgpack, scratch);
                msgpack.Flush();
            }

            return scratch.Output.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffers.Return(scratch);
        }
    }

    /// <summary>Parses a <c>json:</c> or <c>msgpack:</c> value into a JSON document.</summary>
    /// <param name="data">The prefixed bytes.</param>
    /// <param name="limits">The bounds to enforce; <see cref="EnvelopeLimits.Default"/> when <see langword="null"/>.</param>
    /// <returns>The document; dispose it. For <c>json</c> it reads from <paramref name="data"/>, which must stay unchanged.</returns>
    /// <exception cref="InvalidMessageException">The bytes are too large, undecodable or of an unknown format.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> data, EnvelopeLimits? limits = null)
    {
        limits ??= EnvelopeLimits.Default;
        string format = RecordPrefix.Split(data, limits, out ReadOnlyMemory<byte> body);
        var documentOptions = new JsonDocumentOptions { MaxDepth = JsonLimits.ParserMaxDepth(limits) };
        if (format == WireFormat.Json)
        {
            JsonLimits.CheckDocument(body.Span, limits);
            return JsonDocument.Parse(body, documentOptions);
        }

        return JsonDocument.Parse(MessagePackToJsonBytes(body, limits), documentOptions);
    }

    private static byte[] MessagePackToJsonBytes(ReadOnlyMemory<byte> body, EnvelopeLimits limits)
    {
        ScratchBuffers scratch = ScratchBuffers.Rent();
        try
        {
            var reader = new MessagePackReader(body);
            MessagePackToJson.TranscodeValue(ref reader, scratch.JsonWriter, limits, 1);
            MessagePackDecoding.RequireEnd(ref reader);
            scratch.JsonWriter.Flush();
            return scratch.Json.WrittenSpan.ToArray();
        }
        catch (Exception ex) when (MessagePackDecoding.IsDecodingError(ex))
        {
            throw MessagePackDecoding.Undecodable(ex);
        }
        finally
        {
            ScratchBuffers.Return(scratch);
        }
    }
}
