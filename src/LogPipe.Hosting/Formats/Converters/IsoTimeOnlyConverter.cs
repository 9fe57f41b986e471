using System.Globalization;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary><see cref="TimeOnly"/> as DRF's <c>TimeField</c> writes it: <c>03:04:05</c> or <c>03:04:05.123456</c>.</summary>
internal sealed class IsoTimeOnlyConverter : TextValueConverter<TimeOnly>
{
    /// <inheritdoc/>
    protected override string Description => "time";

    /// <inheritdoc/>
    protected override int Format(TimeOnly value, Span<byte> destination) => IsoText.WriteTime(value, destination);

    /// <inheritdoc/>
    protected override bool TryParse(ReadOnlySpan<byte> text, out TimeOnly value)
    {
        Span<char> chars = stackalloc char[text.Length];
        value = default;
        return IsoText.TryWiden(text, chars, out int length)
            && TimeOnly.TryParse(chars[..length], CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
