using System.Text.Json.Nodes;

namespace LogPipe.Hosting.Contracts;

/// <summary>
/// One top-level field of a message as a reader of the wire sees it, read from the message's JSON Schema: its wire name,
/// its type, whether it may be null and whether it must be present.
/// </summary>
/// <param name="Name">The wire name (after the field naming policy).</param>
/// <param name="Type">A readable type: <c>string (uuid)</c>, <c>integer</c>, <c>array</c>, <c>object</c>.</param>
/// <param name="Nullable">Whether <c>null</c> is a valid value.</param>
/// <param name="Required">Whether the field must be present in an incoming message.</param>
/// <param name="Shape">The field's schema without its nullability, compact: two fields have the same type when these are equal.</param>
internal sealed record FieldContract(string Name, string Type, bool Nullable, bool Required, string Shape)
{
    /// <summary>The fields of a message schema, in the schema's order.</summary>
    public static IReadOnlyList<FieldContract> From(JsonObject schema)
    {
        var required = (schema["required"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        if (schema["properties"] is not JsonObject properties) return [];
        return [.. properties.Select(p => Describe(p.Key, p.Value, required.Contains(p.Key)))];
    }

    private static FieldContract Describe(string name, JsonNode? schema, bool required)
    {
        if (schema is not JsonObject field)
        {
            // `true` (or `{}`): any value, null included.
            return new FieldContract(name, "any", Nullable: true, required, "{}");
        }

        var shape = (JsonObject)field.DeepClone();
        // Annotations, not shape: a default value or a description says nothing about what a reader accepts.
        shape.Remove("description");
        shape.Remove("default");
        var nullable = false;
        var types = new List<string>();
        switch (shape["type"])
        {
            case JsonArray array:
                types.AddRange(array.Select(t => t!.GetValue<string>()));
                nullable = types.Remove("null");
                shape["type"] = types.Count == 1 ? types[0] : new JsonArray([.. types.Select(t => (JsonNode)t)]);
                break;
            case JsonValue single:
                types.Add(single.GetValue<string>());
                nullable = types[0] == "null";
                break;
            default:
                // No "type": an enum list, a $ref or a combination; nullable when null is one of its values.
                nullable = shape["enum"] is JsonArray values && values.Any(v => v is null);
                types.Add(shape["$ref"] is not null ? "ref" : "any");
                break;
        }

        var type = string.Join(" | ", types);
        if (shape["format"] is JsonValue format) type += $" ({format.GetValue<string>()})";
        else if (shape["pattern"] is not null && types.Contains("string")) type += " (pattern)";
        if (shape["items"] is JsonObject items && items["type"] is { } itemType)
        {
            type += " of " + (itemType is JsonArray itemTypes ? string.Join(" | ", itemTypes.Select(t => t!.GetValue<string>())) : itemType.GetValue<string>());
        }
        return new FieldContract(name, type, nullable, required, shape.ToJsonString());
    }
}
