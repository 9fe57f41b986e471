using System.Text.Json;
using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Formats;

/// <summary>Placeholder until the wire-format work lands.</summary>
public sealed class EnvelopeReader(EnvelopeLimits limits)
{
    /// <summary>Reads an envelope.</summary>
    /// <param name="value">Record value.</param>
    /// <returns>The envelope.</returns>
    public Envelope Read(ReadOnlyMemory<byte> value)
    {
        if (value.Length > limits.MaxRecordBytes) throw new InvalidMessageException(MessageErrorKind.LimitExceeded, "too large");
        var span = value.Span;
        var colon = span.IndexOf((byte)':');
        if (colon < 0) throw new InvalidMessageException(MessageErrorKind.Undecodable, "no format prefix");
        var code = System.Text.Encoding.ASCII.GetString(span[..colon]);
        if (code != WireFormat.Json) throw new InvalidMessageException(MessageErrorKind.UnknownFormat, $"Unknown format '{code}'.");
        try
        {
            using var doc = JsonDocument.Parse(value[(colon + 1)..]);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidMessageException(MessageErrorKind.InvalidEnvelope, "not an object");
            if (!root.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String) throw new InvalidMessageException(MessageErrorKind.InvalidEnvelope, "Envelope has no 'type'.");
            if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version)) throw new InvalidMessageException(MessageErrorKind.InvalidEnvelope, "Envelope has no integer 'version'.");
            if (!root.TryGetProperty("message", out var m) || m.ValueKind != JsonValueKind.Object) throw new InvalidMessageException(MessageErrorKind.InvalidEnvelope, "Envelope has no 'message' object.");
            string? producer = root.TryGetProperty("producer", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            return new Envelope(code, t.GetString()!, version, System.Text.Encoding.UTF8.GetBytes(m.GetRawText()), producer);
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException(MessageErrorKind.Undecodable, "bad json", ex);
        }
    }
}
