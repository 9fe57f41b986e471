using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting;

/// <summary>
/// Encodes a record exactly as django-logpipe writes it: <c>json:</c> or <c>msgpack:</c> followed by the envelope
/// <c>{"type", "version", "message"[, "producer"]}</c>, keys in that order, the message as given (its field names and
/// values are not changed). For feeding a service under test the bytes a Django service would send.
/// </summary>
public static class DjangoEnvelope
{
    private static readonly EnvelopeWriter Writer = new(PayloadJson.CreateOptions());

    /// <summary>Encodes one record value.</summary>
    /// <param name="format"><c>json</c> or <c>msgpack</c>.</param>
    /// <param name="messageType">The envelope's <c>type</c>, for example <c>person</c>.</param>
    /// <param name="version">The envelope's <c>version</c>.</param>
    /// <param name="messageJson">The message as a JSON object, with the field names on the wire (<c>{"first_name":"Joe"}</c>).</param>
    /// <param name="producerId">Written as the envelope's <c>producer</c> when not <see langword="null"/>.</param>
    /// <returns>The record value.</returns>
    /// <exception cref="ArgumentException">The format is unknown, the type is empty, or the message is not a JSON object.</exception>
    public static byte[] Encode(string format, string messageType, int version, string messageJson, string? producerId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(format);
        ArgumentException.ThrowIfNullOrEmpty(messageType);
        ArgumentNullException.ThrowIfNull(messageJson);
        if (!WireFormat.IsSupported(format))
        {
            throw new ArgumentException($"'{format}' is not a format django-logpipe writes; use json or msgpack.", nameof(format));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(messageJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The message is not valid JSON: {ex.Message}", nameof(messageJson), ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"The message must be a JSON object (an envelope's 'message' is one), not {document.RootElement.ValueKind}.", nameof(messageJson));
            }

            return Writer.Write(format, messageType, version, document.RootElement, producerId);
        }
    }
}
