using System.Globalization;
using System.Text;

namespace LogPipe.Hosting;

/// <summary>
/// Makes text taken from a record fit any dead-letter store: a dead letter must be writable whatever the record held,
/// or the unit holding it would be abandoned and retried without end. NUL (which PostgreSQL refuses in text), other
/// C0 controls and lone UTF-16 surrogates (which no UTF-8 column can hold) become visible escapes such as <c>\u0000</c>,
/// and text longer than its column is cut, with a marker saying how much was left out. The record's raw bytes are kept
/// unchanged in <see cref="DeadLetter.Value"/>, so nothing is lost.
/// </summary>
public static class DeadLetterText
{
    /// <summary>The longest <see cref="DeadLetter.MessageType"/> kept: the width of the stores' message type column.</summary>
    public const int MaxMessageTypeLength = 255;

    /// <summary>The longest <see cref="DeadLetter.Error"/> kept.</summary>
    public const int MaxErrorLength = 4000;

    /// <summary>The longest header name kept in <see cref="DeadLetter.Headers"/>.</summary>
    public const int MaxHeaderNameLength = 255;

    /// <summary><paramref name="text"/> escaped and cut so that it is at most <paramref name="maxLength"/> characters of valid text.</summary>
    /// <param name="text">Text that came from a record, or <see langword="null"/>.</param>
    /// <param name="maxLength">The most characters the store can hold; at least 32.</param>
    /// <returns>The text, unchanged when it is already storable; <see langword="null"/> for <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 32.</exception>
    public static string? Fit(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 32);
        if (text is null || (text.Length <= maxLength && !NeedsEscaping(text)))
        {
            return text;
        }

        var escaped = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        bool complete = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                escaped.Append(c).Append(text[++i]);
            }
            else if (c < ' ' && c is not ('\t' or '\n' or '\r') || char.IsSurrogate(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }

            if (escaped.Length > maxLength)
            {
                complete = false;
                break;
            }
        }

        return complete ? escaped.ToString() : Cut(escaped, text, maxLength);
    }

    private static bool NeedsEscaping(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < ' ' && c is not ('\t' or '\n' or '\r'))
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Cut(StringBuilder escaped, string original, int maxLength)
    {
        // Room for the marker, then cut where no surrogate pair is split.
        string marker = string.Create(CultureInfo.InvariantCulture, $"… [cut: {original.Length} characters]");
        int keep = Math.Max(0, maxLength - marker.Length);
        if (keep > 0 && char.IsHighSurrogate(escaped[keep - 1]))
        {
            keep--;
        }

        return escaped.ToString(0, keep) + marker;
    }
}
