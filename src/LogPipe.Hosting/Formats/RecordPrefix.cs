using System.Text;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// The <c>&lt;code&gt;:&lt;body&gt;</c> framing of every record value, split the way django-logpipe does
/// (<c>data.split(b":", 1)</c>) and refused before any parsing when the code is not one this library reads.
/// </summary>
internal static class RecordPrefix
{
    private const int MaxCodeShown = 32;

    /// <summary>The bytes that start a record of <paramref name="format"/>.</summary>
    /// <param name="format"><see cref="WireFormat.Json"/> or <see cref="WireFormat.MessagePack"/>.</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    /// <returns><c>json:</c> or <c>msgpack:</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not a supported code.</exception>
    public static ReadOnlySpan<byte> For(string format, string paramName) => format switch
    {
        WireFormat.Json => "json:"u8,
        WireFormat.MessagePack => "msgpack:"u8,
        _ => throw new ArgumentException(
            $"Unknown wire format '{format}': use '{WireFormat.Json}' or '{WireFormat.MessagePack}'.", paramName),
    };

    /// <summary>Checks the record's size and splits it into its format code and body.</summary>
    /// <param name="value">The whole record value.</param>
    /// <param name="limits">The limits in force; the size is checked before anything else.</param>
    /// <param name="body">The bytes after the first colon.</param>
    /// <returns><see cref="WireFormat.Json"/> or <see cref="WireFormat.MessagePack"/>.</returns>
    /// <exception cref="InvalidMessageException">The record is too large, empty, unprefixed or of an unknown format.</exception>
    public static string Split(ReadOnlyMemory<byte> value, EnvelopeLimits limits, out ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (value.Length > limits.MaxRecordBytes)
        {
            throw new InvalidMessageException(
                MessageErrorKind.LimitExceeded,
                $"The record is {value.Length} bytes, more than the limit of {limits.MaxRecordBytes}.");
        }

        if (value.IsEmpty)
        {
            throw new InvalidMessageException(
                MessageErrorKind.Undecodable,
                "The record is empty; expected a 'json:' or 'msgpack:' prefix followed by a body.");
        }

        ReadOnlySpan<byte> span = value.Span;
        int colon = span.IndexOf((byte)':');
        if (colon < 0)
        {
            throw new InvalidMessageException(
                MessageErrorKind.Undecodable,
                "The record has no format prefix: no ':' separates a code such as 'json' from the body.");
        }

        body = value[(colon + 1)..];
        ReadOnlySpan<byte> code = span[..colon];
        if (code.SequenceEqual("json"u8))
        {
            return WireFormat.Json;
        }

        if (code.SequenceEqual("msgpack"u8))
        {
            return WireFormat.MessagePack;
        }

        throw new InvalidMessageException(
            MessageErrorKind.UnknownFormat,
            $"The record's format code '{Printable(code)}' is not accepted: only '{WireFormat.Json}' and '{WireFormat.MessagePack}' are, and a record in any other format is never deserialized.");
    }

    /// <summary>The code as safe, bounded text for a log line: printable ASCII kept, other bytes as <c>\xNN</c>.</summary>
    private static string Printable(ReadOnlySpan<byte> code)
    {
        var text = new StringBuilder(MaxCodeShown + 3);
        foreach (byte b in code[..Math.Min(code.Length, MaxCodeShown)])
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'\\' and not (byte)'\'')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        if (code.Length > MaxCodeShown)
        {
            text.Append("...");
        }

        return text.ToString();
    }
}
