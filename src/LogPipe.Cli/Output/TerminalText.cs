using System.Globalization;
using System.Text;

namespace LogPipe.Cli.Output;

/// <summary>
/// What the tool never writes raw to a terminal: text from the wire or the database (a record's type, a key, an error
/// message) could otherwise clear the screen, retitle the window or set a hyperlink (ESC and OSC sequences), ring the
/// bell, overwrite the line (CR, backspace) or reorder what is shown (bidi overrides). Such characters are printed as
/// visible escapes instead: <c>\x1b</c>, <c>\r</c>, <c>\u202e</c>.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// The formatting characters that move or reorder text without being control characters: the bidi marks, embeddings,
    /// overrides and isolates, and the Unicode line and paragraph separators. JSON output escapes them as well.
    /// </summary>
    public static readonly char[] FormatControls =
    [
        '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u2028', '\u2029',
    ];

    /// <summary>Whether <paramref name="c"/> is a C0 or C1 control, DEL, a formatting control (<see cref="FormatControls"/>) or a surrogate.</summary>
    public static bool IsUnsafe(char c) =>
        c < ' ' || c is >= '\u007F' and <= '\u009F' || char.IsSurrogate(c) || (c >= '\u061C' && Array.IndexOf(FormatControls, c) >= 0);

    /// <summary>The text with every unsafe character escaped; surrogate pairs stay, lone surrogates are escaped.</summary>
    /// <param name="text">The text.</param>
    /// <param name="keepLineBreaks">Whether <c>\n</c> (and <c>\r\n</c>) stay line breaks, as in multi-line output; a table cell escapes them.</param>
    public static string Escape(string? text, bool keepLineBreaks = false)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var first = FirstUnsafe(text, keepLineBreaks);
        if (first < 0) return text;
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        Append(escaped, text.AsSpan(first), keepLineBreaks);
        return escaped.ToString();
    }

    /// <summary>Appends <paramref name="text"/> to <paramref name="target"/>, escaping as <see cref="Escape"/> does.</summary>
    public static void Append(StringBuilder target, ReadOnlySpan<char> text, bool keepLineBreaks)
    {
        ArgumentNullException.ThrowIfNull(target);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var length = Safe(text, i, keepLineBreaks);
            if (length > 0)
            {
                target.Append(text.Slice(i, length));
                i += length - 1;
                continue;
            }

            _ = c switch
            {
                '\t' => target.Append("\\t"),
                '\r' => target.Append("\\r"),
                '\n' => target.Append("\\n"),
                <= '\u00FF' => target.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => target.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
            };
        }
    }

    /// <summary>The index of the first character <see cref="Append"/> would escape, or -1.</summary>
    public static int FirstUnsafe(ReadOnlySpan<char> text, bool keepLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var length = Safe(text, i, keepLineBreaks);
            if (length == 0) return i;
            i += length - 1;
        }

        return -1;
    }

    /// <summary>How many characters at <paramref name="i"/> print as they are: 0 (escape one), 1, or 2 (a surrogate pair, CR LF).</summary>
    private static int Safe(ReadOnlySpan<char> text, int i, bool keepLineBreaks)
    {
        var c = text[i];
        if (!IsUnsafe(c)) return 1;
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        if (char.IsHighSurrogate(c) && char.IsLowSurrogate(next)) return 2;
        if (keepLineBreaks && c == '\n') return 1;
        if (keepLineBreaks && c == '\r' && next == '\n') return 2;
        return 0;
    }
}
