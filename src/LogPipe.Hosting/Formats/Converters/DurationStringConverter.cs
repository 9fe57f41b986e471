using System.Globalization;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// <see cref="TimeSpan"/> as DRF's <c>DurationField</c> writes it (Django's <c>duration_string</c>):
/// <c>02:03:04</c>, <c>1 02:03:04.000005</c>, and negatives the way Python normalises a timedelta (whole days
/// negative, the time of day positive): minus one second is <c>-1 23:59:59</c>. Reading accepts what Django's
/// <c>parse_duration</c> accepts in its standard form: <c>[D [day[s], ]][-][[HH:]MM:]SS[.ffffff]</c>.
/// </summary>
internal sealed class DurationStringConverter : TextValueConverter<TimeSpan>
{
    private const long MicrosecondsPerDay = 86_400_000_000;

    /// <inheritdoc/>
    protected override string Description => "duration";

    /// <inheritdoc/>
    protected override int Format(TimeSpan value, Span<byte> destination)
    {
        // Python's timedelta holds whole microseconds; finer ticks are dropped toward zero, like IsoText does.
        long microseconds = value.Ticks / TimeSpan.TicksPerMicrosecond;
        long days = Math.DivRem(microseconds, MicrosecondsPerDay, out long withinDay);
        if (withinDay < 0)
        {
            days--;
            withinDay += MicrosecondsPerDay;
        }

        int written = 0;
        if (days != 0)
        {
            days.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
            destination[written++] = (byte)' ';
        }

        var time = new TimeOnly(withinDay * TimeSpan.TicksPerMicrosecond);
        return written + IsoText.WriteTime(time, destination[written..]);
    }

    /// <inheritdoc/>
    protected override bool TryParse(ReadOnlySpan<byte> text, out TimeSpan value)
    {
        value = default;
        try
        {
            long days = 0;
            int space = text.IndexOf((byte)' ');
            if (space >= 0)
            {
                if (!TryParseInteger(text[..space], allowSign: true, out days))
                {
                    return false;
                }

                text = text[(space + 1)..];
                if (text.StartsWith("days, "u8))
                {
                    text = text[6..];
                }
                else if (text.StartsWith("day, "u8))
                {
                    text = text[5..];
                }
            }

            long sign = 1;
            if (!text.IsEmpty && text[0] == (byte)'-')
            {
                sign = -1;
                text = text[1..];
            }

            if (!TryParseClock(text, out long microseconds))
            {
                return false;
            }

            value = TimeSpan.FromTicks(checked((days * MicrosecondsPerDay + sign * microseconds) * TimeSpan.TicksPerMicrosecond));
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>[[HH:]MM:]SS[.ffffff]</c> (a comma may stand for the point) into microseconds.</summary>
    private static bool TryParseClock(ReadOnlySpan<byte> text, out long microseconds)
    {
        microseconds = 0;
        long fraction = 0;
        int point = text.IndexOfAny((byte)'.', (byte)',');
        if (point >= 0)
        {
            // Django keeps the first six fractional digits and ignores up to six more.
            ReadOnlySpan<byte> digits = text[(point + 1)..];
            if (digits.Length is 0 or > 12 || !TryParseInteger(digits[..Math.Min(6, digits.Length)], allowSign: false, out fraction)
                || !TryParseInteger(digits, allowSign: false, out _))
            {
                return false;
            }

            for (int i = Math.Min(6, digits.Length); i < 6; i++)
            {
                fraction *= 10;
            }

            text = text[..point];
        }

        long total = 0;
        int parts = 0;
        foreach (Range part in text.Split((byte)':'))
        {
            if (++parts > 3 || !TryParseInteger(text[part], allowSign: false, out long number))
            {
                return false;
            }

            total = checked((total * 60) + number);
        }

        microseconds = checked((total * 1_000_000) + fraction);
        return true;
    }

    private static bool TryParseInteger(ReadOnlySpan<byte> digits, bool allowSign, out long number) =>
        long.TryParse(digits, allowSign ? NumberStyles.AllowLeadingSign : NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
