using System.Globalization;
using System.Text.Json;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// <see cref="decimal"/> as DRF's <c>DecimalField</c> writes it (<c>COERCE_DECIMAL_TO_STRING</c>): a JSON string that
/// keeps the scale, <c>"12.50"</c>. Reading accepts a string or a number, since a non-DRF sender may send either.
/// </summary>
internal sealed class DecimalStringConverter : TextValueConverter<decimal>
{
    /// <inheritdoc/>
    protected override string Description => "decimal";

    /// <inheritdoc/>
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number ? reader.GetDecimal() : base.Read(ref reader, typeToConvert, options);

    /// <inheritdoc/>
    protected override int Format(decimal value, Span<byte> destination)
    {
        // decimal's default format keeps trailing zeros (its scale), which is what DRF's quantised string shows.
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        return written;
    }

    /// <inheritdoc/>
    protected override bool TryParse(ReadOnlySpan<byte> text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
