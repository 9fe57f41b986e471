using System.Text.Encodings.Web;
using System.Text.Json;
using LogPipe.Hosting;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// A record value read as the consumers read it (<see cref="EnvelopeReader"/>, json or msgpack alike), or why it could not
/// be. Decoding never throws: a bad record is something to show, not a reason to stop.
/// </summary>
internal sealed class DecodedRecord
{
    private static readonly EnvelopeReader Reader = new(EnvelopeLimits.Default);
    private static readonly JsonWriterOptions Readable = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private DecodedRecord(Envelope? envelope, string? errorKind, string? error)
    {
        Envelope = envelope;
        ErrorKind = errorKind;
        Error = error;
    }

    /// <summary>The envelope, when the value is one.</summary>
    public Envelope? Envelope { get; }

    /// <summary>A <see cref="MessageErrorKind"/> name when the value is not a valid envelope.</summary>
    public string? ErrorKind { get; }

    /// <summary>What is wrong with the value.</summary>
    public string? Error { get; }

    public static DecodedRecord Decode(byte[]? value)
    {
        try
        {
            return new DecodedRecord(Reader.Read(value ?? []), null, null);
        }
        catch (InvalidMessageException ex)
        {
            return new DecodedRecord(null, ex.Kind.ToString(), ex.Message);
        }
        catch (Exception ex)
        {
            return new DecodedRecord(null, nameof(MessageErrorKind.Undecodable), $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The message as indented JSON, non-ASCII text left readable; as it came when it cannot be re-written.</summary>
    public string ReadableMessage()
    {
        using var document = JsonDocument.Parse(Envelope!.Value.MessageJson);
        using var buffer = new MemoryStream();
        try
        {
            using var writer = new Utf8JsonWriter(buffer, Readable);
            document.WriteTo(writer);
        }
        catch (InvalidOperationException)
        {
            // A string escapes half a surrogate pair ("\ud800"): valid JSON syntax, but no text to re-encode.
            return RawMessage();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Writes the message as a JSON value; a message that cannot be re-encoded (a string escaping half a surrogate pair)
    /// is written as a string holding its JSON text.
    /// </summary>
    public void WriteMessage(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var document = JsonDocument.Parse(Envelope!.Value.MessageJson);
        using var buffer = new MemoryStream();
        try
        {
            using var check = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = writer.Options.Encoder });
            document.WriteTo(check);
        }
        catch (InvalidOperationException)
        {
            writer.WriteStringValue(RawMessage());
            return;
        }

        document.WriteTo(writer);
    }

    private string RawMessage() => System.Text.Encoding.UTF8.GetString(Envelope!.Value.MessageJson.Span);
}
