using System.Globalization;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// <see cref="DateTimeOffset"/> as DRF's <c>DateTimeField</c> writes an aware datetime: <c>2024-01-02T03:04:05Z</c>
/// for UTC (DRF replaces <c>+00:00</c> with <c>Z</c>), <c>2024-01-02T03:04:05.120000+02:00</c> otherwise.
/// </summary>
internal sealed class IsoDateTimeOffsetConverter : TextValueConverter<DateTimeOffset>
{
    /// <inheritdoc/>
    protected override string Description => "date-time";

    /// <inheritdoc/>
    protected override int Format(DateTimeOffset value, Span<byte> destination)
    {
        int written = IsoText.WriteDateTime(value.DateTime, destination);
        return written + IsoText.WriteOffset(value.Offset, destination[written..]);
    }

    /// <inheritdoc/>
    protected override bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        Span<char> chars = stackalloc char[text.Length];
        value = default;
        return IsoText.TryWiden(text, chars, out int length)
            && DateTimeOffset.TryParse(chars[..length], CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
