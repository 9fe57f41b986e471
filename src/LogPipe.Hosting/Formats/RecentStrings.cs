using System.Text;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// The envelope strings a consumer reads over and over — the message type, the producer id — decoded once per thread and
/// handed out again while they keep coming, rather than a new string for every record.
/// </summary>
internal sealed class RecentStrings
{
    /// <summary>Strings longer than this are decoded every time: ids and types are short.</summary>
    private const int MaxBytes = 128;

    private const int Slots = 8;

    [ThreadStatic]
    private static RecentStrings? t_current;

    private readonly byte[][] _bytes = new byte[Slots][];
    private readonly string[] _strings = new string[Slots];
    private int _next;

    /// <summary>The text of <paramref name="utf8"/> (valid UTF-8, no escapes), the same string as last time if it was seen lately.</summary>
    /// <param name="utf8">The raw bytes of the string.</param>
    /// <returns>The text.</returns>
    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes) return Encoding.UTF8.GetString(utf8);
        return (t_current ??= new RecentStrings()).Find(utf8);
    }

    private string Find(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < Slots; i++)
        {
            if (_bytes[i] is { } known && utf8.SequenceEqual(known)) return _strings[i];
        }

        var text = Encoding.UTF8.GetString(utf8);
        _bytes[_next] = utf8.ToArray();
        _strings[_next] = text;
        _next = (_next + 1) % Slots;
        return text;
    }
}
