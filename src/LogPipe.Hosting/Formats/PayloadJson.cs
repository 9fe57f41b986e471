using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LogPipe.Hosting.Formats.Converters;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// The <see cref="JsonSerializerOptions"/> that give message payloads the field names and value forms a Django REST
/// framework service sends, so records round-trip with django-logpipe.
/// </summary>
/// <remarks>
/// <para>Value forms: <see cref="Guid"/> as lowercase <c>8-4-4-4-12</c>; <see cref="DateTime"/> and
/// <see cref="DateTimeOffset"/> as Python's <c>isoformat()</c> with <c>Z</c> for UTC and at most six fractional
/// digits; <see cref="DateOnly"/> as <c>2024-01-02</c>; <see cref="TimeOnly"/> as <c>03:04:05[.ffffff]</c>;
/// <see cref="decimal"/> as a string that keeps its scale (<c>"12.50"</c>; numbers are accepted on read);
/// <see cref="TimeSpan"/> as Django's duration string (<c>"1 02:03:04.000005"</c>); <see cref="double"/> and
/// <see cref="float"/> as Python prints floats (<c>1.0</c>, <c>1e-05</c>), with NaN and infinities refused.
/// Enums stay numbers unless you add a converter.</para>
/// <para>String escaping is not decided here: <see cref="EnvelopeWriter"/> and <see cref="RecordFormat"/> rewrite it to
/// Python's form whatever encoder the options carry.</para>
/// </remarks>
internal static class PayloadJson
{
    /// <summary>The nesting depth allowed when none is given, System.Text.Json's own default.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Creates read-only payload options.</summary>
    /// <param name="namingPolicy">How property names appear on the wire; <see langword="null"/> for snake_case, as Django sends them.</param>
    /// <returns>Read-only options using the reflection-based resolver.</returns>
    public static JsonSerializerOptions CreateOptions(JsonNamingPolicy? namingPolicy = null) =>
        CreateOptions(namingPolicy, DefaultMaxDepth);

    /// <summary>Creates read-only payload options with a nesting limit.</summary>
    /// <param name="namingPolicy">How property names appear on the wire; <see langword="null"/> for snake_case, as Django sends them.</param>
    /// <param name="maxDepth">The deepest nesting (de)serialized.</param>
    /// <returns>Read-only options using the reflection-based resolver.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDepth"/> is zero or negative.</exception>
    public static JsonSerializerOptions CreateOptions(JsonNamingPolicy? namingPolicy, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = namingPolicy ?? JsonNamingPolicy.SnakeCaseLower,
            // Escapes as little as the built-in encoders allow; PythonJsonEncoder canonicalises the rest.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = maxDepth,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            Converters =
            {
                new PythonFloatConverter<double>(),
                new PythonFloatConverter<float>(),
                new DecimalStringConverter(),
                new IsoDateTimeConverter(),
                new IsoDateTimeOffsetConverter(),
                new IsoTimeOnlyConverter(),
                new DurationStringConverter(),
            },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
