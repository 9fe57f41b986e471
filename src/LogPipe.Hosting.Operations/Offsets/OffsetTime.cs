using System.Globalization;

namespace LogPipe.Hosting.Operations;

/// <summary>The time an operator moves a partition to, as the CLI and the dashboard read it (ISO 8601).</summary>
internal static class OffsetTime
{
    /// <summary>Reads an ISO 8601 time such as <c>2026-03-01T12:00:00Z</c>; one without an offset is UTC.</summary>
    public static DateTimeOffset Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time)
            && text.Trim().Length >= 10 && char.IsAsciiDigit(text.Trim()[0]))
        {
            return time;
        }

        throw OperationException.Invalid($"'{text}' is not a time: give an ISO 8601 time such as 2026-03-01T12:00:00Z (without an offset it is UTC).");
    }
}
