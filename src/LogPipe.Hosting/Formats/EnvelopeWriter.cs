using System.Buffers;
using System.Text.Json;
using MessagePack;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Writes records byte-for-byte as django-logpipe does: <c>json:</c> or <c>msgpack:</c> followed by the envelope
/// <c>{"type", "version", "message"[, "producer"]}</c>, keys in that order.
/// </summary>
/// <remarks>
/// The message is serialized once with System.Text.Json (so <see cref="PayloadJson"/> options decide names and value
/// forms) and then either re-escaped to Python's JSON form or transcoded to MessagePack, so both formats carry the same
/// data. Buffers are reused per thread; an instance is immutable and safe to share.
/// </remarks>
internal sealed class EnvelopeWriter
{
    private readonly JsonSerializerOptions _payloadOptions;

    /// <summary>Creates a writer.</summary>
    /// <param name="payloadOptions">How messages are serialized; normally <see cref="PayloadJson.CreateOptions(JsonNamingPolicy?)"/>.</param>
    public EnvelopeWriter(JsonSerializerOptions payloadOptions)
    {
        ArgumentNullException.ThrowIfNull(payloadOptions);
        _payloadOptions = payloadOptions;
    }

    /// <summary>Writes a record into a new array.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="format"><see cref="WireFormat.Json"/> or <see cref="WireFormat.MessagePack"/>.</param>
    /// <param name="type">The message type name, e.g. <c>person</c>.</param>
    /// <param name="version">The message version.</param>
    /// <param name="message">The message; it must serialize to a JSON object.</param>
    /// <param name="producerId">Written as <c>producer</c> when not <see langword="null"/>.</param>
    /// <returns>The record value.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is unknown, or the message is not an object.</exception>
    /// <exception cref="JsonException">The message cannot be serialized (for example it holds NaN).</exception>
    public byte[] Write<TMessage>(string format, string type, int version, TMessage message, string? producerId)
    {
        ScratchBuffers scratch = ScratchBuffers.Rent();
        try
        {
            Write(scratch, scratch.Output, format, type, version, message, producerId);
            return scratch.Output.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffers.Return(scratch);
        }
    }

    /// <summary>Writes a record into <paramref name="destination"/>; nothing is written if serialization fails.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="destination">Where the record value goes.</param>
    /// <param name="format"><see cref="WireFormat.Json"/> or <see cref="WireFormat.MessagePack"/>.</param>
    /// <param name="type">The message type name, e.g. <c>person</c>.</param>
    /// <param name="version">The message version.</param>
    /// <param name="message">The message; it must serialize to a JSON object.</param>
    /// <param name="producerId">Written as <c>producer</c> when not <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="format"/> is unknown, or the message is not an object.</exception>
    /// <exception cref="JsonException">The message cannot be serialized (for example it holds NaN).</exception>
    public void Write<TMessage>(IBufferWriter<byte> destination, string format, string type, int version, TMessage message, string? producerId)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ScratchBuffers scratch = ScratchBuffers.Rent();
        try
        {
            Write(scratch, destination, format, type, version, message, producerId);
        }
        finally
        {
            ScratchBuffers.Return(scratch);
        }
    }

    private void Write<TMessage>(
        ScratchBuffers scratch, IBufferWriter<byte> destination, string format, string type, int version, TMessage message, string? producerId)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ReadOnlySpan<byte> prefix = RecordPrefix.For(format, nameof(format));
        Utf8JsonWriter json = scratch.JsonWriter;
        if (format == WireFormat.Json)
        {
            // The whole envelope goes through one writer, then one pass gives it Python's escaping.
            json.WriteStartObject();
            json.WriteString("type"u8, type);
            json.WriteNumber("version"u8, version);
            json.WritePropertyName("message"u8);
            int messageStart = checked((int)(json.BytesCommitted + json.BytesPending));
            JsonSerializer.Serialize(json, message, _payloadOptions);
            if (producerId is not null)
            {
                json.WriteString("producer"u8, producerId);
            }

            json.WriteEndObject();
            json.Flush();
            RequireObject<TMessage>(scratch.Json.WrittenSpan[messageStart..], nameof(message));
            destination.Write(prefix);
            PythonJsonEncoder.Recode(scratch.Json.WrittenSpan, destination);
            return;
        }

        JsonSerializer.Serialize(json, message, _payloadOptions);
        json.Flush();
        RequireObject<TMessage>(scratch.Json.WrittenSpan, nameof(message));
        var msgpack = new MessagePackWriter(destination);
        msgpack.WriteRaw(prefix);
        msgpack.WriteMapHeader(producerId is null ? 3 : 4);
        msgpack.WriteString("type"u8);
        msgpack.Write(type);
        msgpack.WriteString("version"u8);
        msgpack.Write(version);
        msgpack.WriteString("message"u8);
        JsonToMessagePack.Transcode(scratch.Json.WrittenSpan, ref msgpack, scratch);
        if (producerId is not null)
        {
            msgpack.WriteString("producer"u8);
            msgpack.Write(producerId);
        }

        msgpack.Flush();
    }

    private static void RequireObject<TMessage>(ReadOnlySpan<byte> messageJson, string paramName)
    {
        if (messageJson.IsEmpty || messageJson[0] != (byte)'{')
        {
            throw new ArgumentException(
                $"A {typeof(TMessage).Name} message serialized to something other than a JSON object; an envelope's 'message' must be an object.",
                paramName);
        }
    }
}
