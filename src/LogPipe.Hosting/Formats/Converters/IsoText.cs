using System.Globalization;
using System.Text.Unicode;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// The pieces of Python's <c>isoformat()</c> that DRF sends: <c>2024-01-02T03:04:05</c>, six fractional digits only
/// when there are microseconds, and <c>Z</c> (DRF's replacement for <c>+00:00</c>) or a <c>+hh:mm</c> offset.
/// </summary>
internal static class IsoText
{
    /// <summary>Writes the calendar date and clock time, microseconds included when not zero; ticks below a microsecond are dropped, as Python has none.</summary>
    /// <param name="clock">The date and time as shown on the clock.</param>
    /// <param name="destination">At least 26 bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteDateTime(DateTime clock, Span<byte> destination)
    {
        clock.TryFormat(destination, out int written, "yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        return written + WriteMicroseconds(clock.Ticks, destination[written..]);
    }

    /// <summary>Writes a time of day like Python's <c>time.isoformat()</c>.</summary>
    /// <param name="time">The time.</param>
    /// <param name="destination">At least 15 bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteTime(TimeOnly time, Span<byte> destination)
    {
        time.TryFormat(destination, out int written, "HH':'mm':'ss", CultureInfo.InvariantCulture);
        return written + WriteMicroseconds(time.Ticks, destination[written..]);
    }

    /// <summary>Writes <c>Z</c> for a zero offset, otherwise <c>+hh:mm</c> or <c>-hh:mm</c>.</summary>
    /// <param name="offset">The offset from UTC.</param>
    /// <param name="destination">At least 6 bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteOffset(TimeSpan offset, Span<byte> destination)
    {
        if (offset == TimeSpan.Zero)
        {
            destination[0] = (byte)'Z';
            return 1;
        }

        destination[0] = offset < TimeSpan.Zero ? (byte)'-' : (byte)'+';
        offset.Duration().TryFormat(destination[1..], out int written, "hh':'mm", CultureInfo.InvariantCulture);
        return written + 1;
    }

    /// <summary>Writes <c>.ffffff</c> for the microseconds in <paramref name="ticks"/>, or nothing when there are none.</summary>
    /// <param name="ticks">Ticks; only those within the current second count.</param>
    /// <param name="destination">At least 7 bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteMicroseconds(long ticks, Span<byte> destination)
    {
        long microseconds = ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond;
        if (microseconds == 0)
        {
            return 0;
        }

        destination[0] = (byte)'.';
        microseconds.TryFormat(destination[1..], out int written, "D6", CultureInfo.InvariantCulture);
        return written + 1;
    }

    /// <summary>Widens ASCII/UTF-8 text to UTF-16 for the framework's date and time parsers.</summary>
    /// <param name="text">UTF-8 text.</param>
    /// <param name="destination">Room for the characters.</param>
    /// <param name="length">The number of characters written.</param>
    /// <returns>Whether the text was valid and fitted.</returns>
    public static bool TryWiden(ReadOnlySpan<byte> text, Span<char> destination, out int length) =>
        Utf8.ToUtf16(text, destination, out _, out length, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;
}
