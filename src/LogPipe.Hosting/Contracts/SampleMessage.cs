using System.Text.Json.Nodes;

namespace LogPipe.Hosting.Contracts;

/// <summary>
/// A message made from its schema with fixed values, every field present, so the sample envelopes in the contracts file
/// are the same on every export.
/// </summary>
internal static class SampleMessage
{
    private const int MaxDepth = 8;

    /// <summary>The sample value of <paramref name="schema"/>.</summary>
    public static JsonNode? For(JsonNode? schema, JsonObject root) => ValueOf(schema, root, 0);

    private static JsonNode? ValueOf(JsonNode? schema, JsonObject root, int depth)
    {
        if (schema is not JsonObject s || depth > MaxDepth) return null;
        if (s["$ref"] is JsonValue reference) return ValueOf(Resolve(reference.GetValue<string>(), root), root, depth + 1);
        if (s["enum"] is JsonArray values) return values.FirstOrDefault(v => v is not null)?.DeepClone();
        var types = s["type"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue single => [single.GetValue<string>()],
            _ => [],
        };
        var type = types.FirstOrDefault(t => t != "null");
        return type switch
        {
            "object" => ObjectOf(s, root, depth),
            "array" => new JsonArray(ValueOf(s["items"], root, depth + 1)),
            "string" => StringOf(s),
            "integer" => 1,
            "number" => 1.5,
            "boolean" => true,
            _ => null,
        };
    }

    private static JsonObject ObjectOf(JsonObject schema, JsonObject root, int depth)
    {
        var value = new JsonObject();
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties) value[name] = ValueOf(property, root, depth + 1);
        }

        return value;
    }

    private static string StringOf(JsonObject schema)
    {
        var format = (schema["format"] as JsonValue)?.GetValue<string>();
        var pattern = (schema["pattern"] as JsonValue)?.GetValue<string>();
        return (format, pattern) switch
        {
            ("uuid", _) => "00000000-0000-4000-8000-000000000001",
            ("date", _) => "2024-01-02",
            ("date-time", _) => "2024-01-02T03:04:05Z",
            ("time", _) => "03:04:05",
            ("uri", _) => "https://example.com/",
            ("email", _) => "someone@example.com",
            (_, MessageSchema.DecimalPattern) => "12.50",
            (_, MessageSchema.DateTimePattern) => "2024-01-02T03:04:05Z",
            (_, MessageSchema.DateTimeOffsetPattern) => "2024-01-02T03:04:05+02:00",
            (_, MessageSchema.TimePattern) => "03:04:05",
            (_, MessageSchema.DurationPattern) => "1 02:03:04",
            _ => "text",
        };
    }

    private static JsonNode? Resolve(string reference, JsonObject root)
    {
        if (!reference.StartsWith('#')) return null;
        JsonNode? node = root;
        foreach (var part in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject o => o[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)],
                JsonArray a when int.TryParse(part, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }
}
