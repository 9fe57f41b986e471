using System.Text;
using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting;

/// <summary>What the harness could read of a record value: the envelope's parts, or nothing when it is not one.</summary>
internal readonly record struct DecodedEnvelope(string? Format, string? MessageType, int? Version, string? MessageJson, string? Producer)
{
    public static DecodedEnvelope Read(EnvelopeReader reader, ReadOnlyMemory<byte> value)
    {
        try
        {
            var envelope = reader.Read(value);
            return new DecodedEnvelope(envelope.Format, envelope.Type, envelope.Version, Encoding.UTF8.GetString(envelope.MessageJson.Span), envelope.Producer);
        }
        catch (InvalidMessageException)
        {
            // Not an envelope (a test may inject any bytes): the raw value is still shown.
            return default;
        }
    }

    /// <summary>A decoded message read into <typeparamref name="TMessage"/>, or an error naming the record that is not an envelope.</summary>
    public static TMessage Deserialize<TMessage>(string? messageJson, RecordPosition position, byte[] value, JsonSerializerOptions payloadOptions) =>
        JsonSerializer.Deserialize<TMessage>(messageJson ?? throw new InvalidOperationException($"The record at {position} is not a LogPipe envelope: {Preview(value)}"), payloadOptions)
        ?? throw new InvalidOperationException($"The message of the record at {position} is null.");

    /// <summary>The start of a value as text, for error messages.</summary>
    public static string Preview(ReadOnlySpan<byte> value)
    {
        var text = Encoding.UTF8.GetString(value[..Math.Min(value.Length, 80)]);
        return value.Length > 80 ? text + "…" : text;
    }
}
