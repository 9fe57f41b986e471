using System.Globalization;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// <see cref="DateTime"/> as DRF's <c>DateTimeField</c> writes it: <c>2024-01-02T03:04:05Z</c>,
/// <c>2024-01-02T03:04:05.123456Z</c>. <see cref="DateTimeKind.Utc"/> ends in <c>Z</c>, <see cref="DateTimeKind.Local"/>
/// in the local offset, <see cref="DateTimeKind.Unspecified"/> in nothing (a naive Python datetime).
/// Reading accepts ISO 8601 with or without an offset, as System.Text.Json does.
/// </summary>
internal sealed class IsoDateTimeConverter : TextValueConverter<DateTime>
{
    /// <inheritdoc/>
    protected override string Description => "date-time";

    /// <inheritdoc/>
    protected override int Format(DateTime value, Span<byte> destination)
    {
        int written = IsoText.WriteDateTime(value, destination);
        return value.Kind switch
        {
            DateTimeKind.Utc => written + IsoText.WriteOffset(TimeSpan.Zero, destination[written..]),
            DateTimeKind.Local => written + IsoText.WriteOffset(TimeZoneInfo.Local.GetUtcOffset(value), destination[written..]),
            _ => written,
        };
    }

    /// <inheritdoc/>
    protected override bool TryParse(ReadOnlySpan<byte> text, out DateTime value)
    {
        Span<char> chars = stackalloc char[text.Length];
        value = default;
        return IsoText.TryWiden(text, chars, out int length)
            && DateTime.TryParse(chars[..length], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value);
    }
}
