using System.ComponentModel;
using System.Globalization;

namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// Reads <see cref="KinesisInitialPosition"/> from configuration in Kinesis's spelling (<c>TRIM_HORIZON</c>, as
/// configuration files have always said it) as well as by name (<c>TrimHorizon</c>), in any case.
/// </summary>
internal sealed class KinesisInitialPositionConverter() : EnumConverter(typeof(KinesisInitialPosition))
{
    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text && Enum.TryParse<KinesisInitialPosition>(text.Replace("_", string.Empty, StringComparison.Ordinal).Trim(), ignoreCase: true, out var position)
            && Enum.IsDefined(position)
            ? position
            : base.ConvertFrom(context, culture, value);
}
