using System.Text.Encodings.Web;
using System.Text.Json;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;

namespace LogPipe.Cli.Output;

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

    /// <summary>The message as indented JSON, non-ASCII text left readable.</summary>
    public string ReadableMessage()
    {
        using var document = JsonDocument.Parse(Envelope!.Value.MessageJson);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Readable))
        {
            document.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the message as a JSON value.</summary>
    public void WriteMessage(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var document = JsonDocument.Parse(Envelope!.Value.MessageJson);
        document.WriteTo(writer);
    }
}
