using System.Globalization;
using System.Text.Json;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Output;

/// <summary>
/// Prints records for people (a header line, then the message as indented JSON) or for scripts (<c>--json</c>: one JSON
/// object per line). A record that is not a valid envelope prints as an error line with a hex preview of its bytes.
/// </summary>
internal sealed class RecordPrinter
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = OutputJson.Encoder };

    private readonly TextWriter _output;
    private readonly bool _json;

    public RecordPrinter(TextWriter output, bool json)
    {
        _output = output;
        _json = json;
    }

    public void Print(RecordLocation record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var decoded = DecodedRecord.Decode(record.Value);
        if (_json) PrintJson(record, decoded);
        else PrintText(record, decoded);
    }

    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void PrintText(RecordLocation record, DecodedRecord decoded)
    {
        var position = record.SequenceNumber ?? record.Offset.ToString(CultureInfo.InvariantCulture);
        var where = $"{record.Stream}/{record.Partition}@{position}  {Timestamp(record.Timestamp)}  key={Bytes.Key(record.Key)}";
        if (decoded.Envelope is not { } envelope)
        {
            _output.WriteLine($"{where}  ERROR {decoded.ErrorKind}: {decoded.Error}  value[{record.Value.Length}]: {Bytes.HexPreview(record.Value)}");
            return;
        }

        var producer = envelope.Producer is null ? "" : $"  producer={envelope.Producer}";
        _output.WriteLine($"{where}  {envelope.Type} v{envelope.Version}  {envelope.Format}{producer}");
        foreach (var line in decoded.ReadableMessage().Split('\n')) _output.WriteLine("  " + line);
    }

    private void PrintJson(RecordLocation record, DecodedRecord decoded)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            writer.WriteString("stream", record.Stream);
            writer.WriteString("partition", record.Partition);
            if (record.SequenceNumber is { } sequence) writer.WriteString("sequenceNumber", sequence);
            else writer.WriteNumber("offset", record.Offset);
            writer.WriteString("timestamp", Timestamp(record.Timestamp));
            WriteKey(writer, record.Key);
            if (decoded.Envelope is { } envelope)
            {
                writer.WriteString("format", envelope.Format);
                writer.WriteString("type", envelope.Type);
                writer.WriteNumber("version", envelope.Version);
                if (envelope.Producer is not null) writer.WriteString("producer", envelope.Producer);
                writer.WritePropertyName("message");
                decoded.WriteMessage(writer);
            }
            else
            {
                writer.WriteStartObject("error");
                writer.WriteString("kind", decoded.ErrorKind);
                writer.WriteString("message", decoded.Error);
                writer.WriteEndObject();
                writer.WriteString("valueHex", Convert.ToHexString(record.Value.AsSpan(0, Math.Min(record.Value.Length, 256))).ToLowerInvariant());
                writer.WriteNumber("valueLength", record.Value.Length);
            }

            writer.WriteEndObject();
        }

        _output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteKey(Utf8JsonWriter writer, byte[]? key)
    {
        if (key is null)
        {
            writer.WriteNull("key");
        }
        else if (Bytes.AsText(key) is { } text)
        {
            writer.WriteString("key", text);
        }
        else
        {
            writer.WriteNull("key");
            writer.WriteString("keyHex", Convert.ToHexString(key).ToLowerInvariant());
        }
    }
}
