using System.Text;

namespace LogPipe.Hosting.Operations;

/// <summary>Raw bytes made printable: text when they are readable UTF-8, a bounded hex preview otherwise.</summary>
internal static class Bytes
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The bytes as text, or <see langword="null"/> when they are not UTF-8 or hold control characters.</summary>
    public static string? AsText(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Any(char.IsControl) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The first <paramref name="max"/> bytes as hex pairs, with <c>…</c> when there are more.</summary>
    public static string HexPreview(ReadOnlySpan<byte> bytes, int max = 32)
    {
        var shown = Convert.ToHexString(bytes[..Math.Min(bytes.Length, max)]).ToLowerInvariant();
        var pairs = string.Join(' ', Enumerable.Range(0, shown.Length / 2).Select(i => shown.Substring(i * 2, 2)));
        return bytes.Length > max ? pairs + " …" : pairs;
    }

    /// <summary>A record key for display: its text, <c>0x…</c> hex when binary, <c>-</c> when there is none.</summary>
    public static string Key(byte[]? key) => key is null ? "-" : AsText(key) ?? "0x" + Convert.ToHexString(key).ToLowerInvariant();
}
