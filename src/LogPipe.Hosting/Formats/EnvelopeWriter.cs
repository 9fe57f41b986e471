using System.Buffers;
using System.Text.Json;

namespace LogPipe.Hosting.Formats;

/// <summary>Placeholder until the wire-format work lands.</summary>
public sealed class EnvelopeWriter(JsonSerializerOptions payloadOptions)
{
    /// <summary>Writes an envelope.</summary>
    /// <typeparam name="TMessage">Message type.</typeparam>
    /// <param name="format">Format code.</param>
    /// <param name="type">Message type.</param>
    /// <param name="version">Version.</param>
    /// <param name="message">Message.</param>
    /// <param name="producerId">Producer id.</param>
    /// <returns>Bytes.</returns>
    public byte[] Write<TMessage>(string format, string type, int version, TMessage message, string? producerId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, format, type, version, message, producerId);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes an envelope.</summary>
    /// <typeparam name="TMessage">Message type.</typeparam>
    /// <param name="destination">Destination.</param>
    /// <param name="format">Format code.</param>
    /// <param name="type">Message type.</param>
    /// <param name="version">Version.</param>
    /// <param name="message">Message.</param>
    /// <param name="producerId">Producer id.</param>
    public void Write<TMessage>(IBufferWriter<byte> destination, string format, string type, int version, TMessage message, string? producerId)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (format != WireFormat.Json) throw new ArgumentException($"Unknown format '{format}'.", nameof(format));
        destination.Write("json:"u8);
        using var w = new Utf8JsonWriter(destination, new JsonWriterOptions { Encoder = payloadOptions.Encoder });
        w.WriteStartObject();
        w.WriteString("type"u8, type);
        w.WriteNumber("version"u8, version);
        w.WritePropertyName("message"u8);
        JsonSerializer.Serialize(w, message, payloadOptions);
        if (producerId is not null) w.WriteString("producer"u8, producerId);
        w.WriteEndObject();
    }
}
