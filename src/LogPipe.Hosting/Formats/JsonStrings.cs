using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Reads JSON strings and property names the way Python's <c>json</c> module writes them, lone surrogate escapes
/// included. <c>json.dumps("\udc00")</c> is valid JSON text, but <see cref="Utf8JsonReader.GetString"/> and
/// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> throw <see cref="InvalidOperationException"/> on it;
/// here each lone surrogate becomes U+FFFD and the caller is told, so such a record is a message error, never a crash.
/// </summary>
internal static class JsonStrings
{
    private const char Replacement = '\uFFFD';

    /// <summary>The current string or property name, with lone surrogate escapes replaced by U+FFFD.</summary>
    /// <param name="reader">On a <see cref="JsonTokenType.String"/> or <see cref="JsonTokenType.PropertyName"/> token.</param>
    /// <param name="loneSurrogate">Whether a lone surrogate escape was replaced.</param>
    /// <returns>The text.</returns>
    public static string Read(ref Utf8JsonReader reader, out bool loneSurrogate)
    {
        loneSurrogate = false;
        ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return reader.ValueIsEscaped ? Unescape(raw, out loneSurrogate) : Encoding.UTF8.GetString(raw);
    }

    /// <summary>Whether the current property name is <paramref name="name"/>, escapes resolved; never throws on lone surrogates.</summary>
    /// <param name="reader">On a <see cref="JsonTokenType.PropertyName"/> token.</param>
    /// <param name="name">The expected name, ASCII.</param>
    /// <returns><see langword="true"/> when the name matches.</returns>
    public static bool NameEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan.SequenceEqual(name);
        }

        // Escaped names are rare (Python never escapes ASCII): decode, where a lone surrogate simply does not match.
        string text = Read(ref reader, out _);
        return Encoding.UTF8.GetBytes(text).AsSpan().SequenceEqual(name);
    }

    /// <summary>Resolves the escapes of a raw JSON string the reader has already checked for syntax.</summary>
    private static string Unescape(ReadOnlySpan<byte> raw, out bool loneSurrogate)
    {
        loneSurrogate = false;
        var text = new StringBuilder(raw.Length);
        int i = 0;
        while (i < raw.Length)
        {
            int backslash = raw[i..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                text.Append(Encoding.UTF8.GetString(raw[i..]));
                break;
            }

            text.Append(Encoding.UTF8.GetString(raw.Slice(i, backslash)));
            i += backslash + 1;
            byte escape = raw[i++];
            switch (escape)
            {
                case (byte)'b': text.Append('\b'); break;
                case (byte)'f': text.Append('\f'); break;
                case (byte)'n': text.Append('\n'); break;
                case (byte)'r': text.Append('\r'); break;
                case (byte)'t': text.Append('\t'); break;
                case (byte)'u':
                    char unit = Hex(raw.Slice(i, 4));
                    i += 4;
                    if (char.IsHighSurrogate(unit) && i + 6 <= raw.Length && raw[i] == '\\' && raw[i + 1] == 'u'
                        && Hex(raw.Slice(i + 2, 4)) is var low && char.IsLowSurrogate(low))
                    {
                        text.Append(unit).Append(low);
                        i += 6;
                    }
                    else if (char.IsSurrogate(unit))
                    {
                        loneSurrogate = true;
                        text.Append(Replacement);
                    }
                    else
                    {
                        text.Append(unit);
                    }

                    break;
                default:
                    // '"', '\\' and '/' stand for themselves; the reader refused every other escape.
                    text.Append((char)escape);
                    break;
            }
        }

        return text.ToString();
    }

    private static char Hex(ReadOnlySpan<byte> digits) =>
        (char)ushort.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
