using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Formats.Converters;

/// <summary>
/// <see cref="double"/> or <see cref="float"/> as Python's <c>json.dumps</c> writes a float: <c>1.0</c> (not <c>1</c>),
/// <c>1e-05</c>, <c>1.5e+16</c>. A float keeps its own shortest digits (<c>0.1f</c> is <c>0.1</c>). NaN and infinities
/// are refused, as DRF's renderer (<c>allow_nan=False</c>) refuses them.
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
internal sealed class PythonFloatConverter<T> : JsonConverter<T>
    where T : struct, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        typeof(T) == typeof(float) ? (T)(object)reader.GetSingle() : T.CreateChecked(reader.GetDouble());

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[PythonFloat.MaxLength];
        writer.WriteRawValue(Format(value, text), skipInputValidation: true);
    }

    /// <inheritdoc/>
    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.Parse(reader.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[PythonFloat.MaxLength];
        writer.WritePropertyName(Format(value, text));
    }

    private static ReadOnlySpan<byte> Format(T value, Span<byte> buffer) => T.IsFinite(value)
        ? buffer[..PythonFloat.Format(value, buffer)]
        : throw new JsonException(
            $"Cannot write the floating-point value {value.ToString(null, CultureInfo.InvariantCulture)}: JSON has no NaN or Infinity, and django-logpipe's renderer refuses them (allow_nan=False).");
}
