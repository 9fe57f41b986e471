using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Rewrites the string escapes in JSON written by System.Text.Json into the exact form of Python's
/// <c>json.dumps(ensure_ascii=False)</c> followed by DRF's U+2028/U+2029 escaping, which is what django-logpipe sends.
/// </summary>
/// <remarks>
/// Python escapes only <c>"</c>, <c>\</c>, the short escapes <c>\n \r \t \b \f</c>, other characters below U+0020
/// as <c>\u00xx</c> with lowercase hex, and (DRF) U+2028/U+2029; everything else is raw UTF-8. A
/// <see cref="System.Text.Encodings.Web.JavaScriptEncoder"/> subclass cannot express this without unsafe code
/// (its abstract members take <c>char*</c>), so the payload is written with the relaxed built-in encoder and
/// canonicalised here in one pass: escapes are only ever shortened, so the cost is a copy plus a vectorised search.
/// </remarks>
internal static class PythonJsonEncoder
{
    private static readonly SearchValues<byte> s_interesting = SearchValues.Create([(byte)'\\', (byte)0xE2]);

    /// <summary>Copies <paramref name="json"/> to <paramref name="destination"/> with Python's escaping.</summary>
    /// <param name="json">Valid JSON, as a <see cref="System.Text.Json.Utf8JsonWriter"/> writes it.</param>
    /// <param name="destination">Where the canonical bytes go.</param>
    public static void Recode(ReadOnlySpan<byte> json, IBufferWriter<byte> destination)
    {
        // Escapes only shrink, so room for the rest of the input is room for its output; the one exception, a raw
        // U+2028/U+2029 (3 bytes) becoming a 6-byte escape, re-checks the room after it.
        Span<byte> output = destination.GetSpan(json.Length + 6);
        int written = 0;
        while (!json.IsEmpty)
        {
            int next = json.IndexOfAny(s_interesting);
            if (next < 0)
            {
                json.CopyTo(output[written..]);
                written += json.Length;
                break;
            }

            json[..next].CopyTo(output[written..]);
            written += next;
            json = json[next..];
            if (output.Length - written < json.Length + 6)
            {
                destination.Advance(written);
                output = destination.GetSpan(json.Length + 6);
                written = 0;
            }

            int consumed = json[0] == (byte)'\\'
                ? RecodeEscape(json, output[written..], out int escapeWritten)
                : RecodeE2(json, output[written..], out escapeWritten);
            written += escapeWritten;
            json = json[consumed..];
        }

        destination.Advance(written);
    }

    /// <summary>Writes one code point as Python writes it inside a JSON string.</summary>
    private static int WriteCodePoint(int codePoint, Span<byte> output)
    {
        switch (codePoint)
        {
            case '"': return WriteShort((byte)'"', output);
            case '\\': return WriteShort((byte)'\\', output);
            case '\n': return WriteShort((byte)'n', output);
            case '\r': return WriteShort((byte)'r', output);
            case '\t': return WriteShort((byte)'t', output);
            case '\b': return WriteShort((byte)'b', output);
            case '\f': return WriteShort((byte)'f', output);
            case < 0x20 or 0x2028 or 0x2029 or (>= 0xD800 and <= 0xDFFF):
                // Lone surrogates cannot be UTF-8; keeping them escaped is the only lossless choice.
                output[0] = (byte)'\\';
                output[1] = (byte)'u';
                codePoint.TryFormat(output[2..], out _, "x4", System.Globalization.CultureInfo.InvariantCulture);
                return 6;
            default:
                return new Rune(codePoint).EncodeToUtf8(output);
        }
    }

    private static int WriteShort(byte escape, Span<byte> output)
    {
        output[0] = (byte)'\\';
        output[1] = escape;
        return 2;
    }

    /// <summary>Rewrites the escape at the start of <paramref name="json"/>; returns the input bytes consumed.</summary>
    private static int RecodeEscape(ReadOnlySpan<byte> json, Span<byte> output, out int written)
    {
        byte kind = json[1];
        if (kind != (byte)'u')
        {
            // \" \\ \n \r \t \b \f are already Python's; \/ is legal JSON that Python writes as a plain slash.
            if (kind == (byte)'/')
            {
                output[0] = (byte)'/';
                written = 1;
            }
            else
            {
                output[0] = (byte)'\\';
                output[1] = kind;
                written = 2;
            }

            return 2;
        }

        int codePoint = ParseHex4(json.Slice(2, 4));
        int consumed = 6;
        if (char.IsHighSurrogate((char)codePoint) && json.Length >= 12 && json[6] == (byte)'\\' && json[7] == (byte)'u')
        {
            int low = ParseHex4(json.Slice(8, 4));
            if (char.IsLowSurrogate((char)low))
            {
                codePoint = char.ConvertToUtf32((char)codePoint, (char)low);
                consumed = 12;
            }
        }

        written = WriteCodePoint(codePoint, output);
        return consumed;
    }

    /// <summary>Escapes a raw U+2028/U+2029 (E2 80 A8/A9) as DRF does; any other E2-led byte is copied.</summary>
    private static int RecodeE2(ReadOnlySpan<byte> json, Span<byte> output, out int written)
    {
        if (json.Length >= 3 && json[1] == 0x80 && json[2] is 0xA8 or 0xA9)
        {
            written = WriteCodePoint(json[2] == 0xA8 ? 0x2028 : 0x2029, output);
            return 3;
        }

        output[0] = json[0];
        written = 1;
        return 1;
    }

    private static int ParseHex4(ReadOnlySpan<byte> hex)
    {
        if (!Utf8Parser.TryParse(hex, out ushort value, out int consumed, 'x') || consumed != 4)
        {
            throw new FormatException("Invalid \\u escape in JSON text.");
        }

        return value;
    }
}
