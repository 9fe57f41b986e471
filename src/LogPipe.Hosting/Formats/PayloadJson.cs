using System.Text.Json;

namespace LogPipe.Hosting.Formats;

/// <summary>Placeholder until the wire-format work lands.</summary>
public static class PayloadJson
{
    /// <summary>Creates payload options.</summary>
    /// <param name="namingPolicy">Field naming; snake_case when null.</param>
    /// <returns>Read-only options.</returns>
    public static JsonSerializerOptions CreateOptions(JsonNamingPolicy? namingPolicy = null)
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = namingPolicy ?? JsonNamingPolicy.SnakeCaseLower,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        o.MakeReadOnly();
        return o;
    }
}
