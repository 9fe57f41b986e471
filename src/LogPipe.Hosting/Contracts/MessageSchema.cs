using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace LogPipe.Hosting.Contracts;

/// <summary>
/// The JSON Schema (draft 2020-12) of a message as it is on the wire: System.Text.Json's exporter run with the payload
/// options, so names follow the field naming policy and nullability and required members follow the message class,
/// with the value forms LogPipe's own converters write (decimals, date-times, times, durations) filled in.
/// </summary>
internal static class MessageSchema
{
    /// <summary>The dialect every exported schema declares.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>A decimal as DRF writes it (a string keeping its scale); a number is accepted on read.</summary>
    public const string DecimalPattern = @"^-?[0-9]+(\.[0-9]+)?$";

    /// <summary>A <c>DateTime</c> as Python's <c>isoformat()</c> writes it, with or without an offset.</summary>
    public const string DateTimePattern = @"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$";

    /// <summary>A <c>DateTimeOffset</c>: always with its offset.</summary>
    public const string DateTimeOffsetPattern = @"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$";

    /// <summary>A <c>TimeOnly</c>: <c>03:04:05[.ffffff]</c>.</summary>
    public const string TimePattern = @"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?$";

    /// <summary>A <c>TimeSpan</c> as Django's duration string: <c>[-][D ]HH:MM:SS[.ffffff]</c>.</summary>
    public const string DurationPattern = @"^-?([0-9]+ )?[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?$";

    /// <summary>Exports the schema of <paramref name="messageType"/> under <paramref name="options"/>.</summary>
    public static JsonObject For(Type messageType, string title, JsonSerializerOptions options)
    {
        // Element types of collections carry no nullability annotation: read them as written (non-null), as the
        // payload options' RespectNullableAnnotations does for properties.
        var exporterOptions = new JsonSchemaExporterOptions { TransformSchemaNode = FillInValueForms, TreatNullObliviousAsNonNullable = true };
        var exported = options.GetJsonSchemaAsNode(messageType, exporterOptions) as JsonObject
            ?? throw new InvalidOperationException($"{messageType.Name} has no object schema; a message must serialize to a JSON object.");

        // $schema and title first, then what the exporter wrote, in its order. A message is an object, never null.
        exported["type"] = "object";
        var schema = new JsonObject { ["$schema"] = Dialect, ["title"] = title };
        foreach (var (name, value) in exported.ToList())
        {
            exported.Remove(name);
            schema[name] = value;
        }

        return schema;
    }

    private static JsonNode FillInValueForms(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = context.TypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type);
        var valueForm = ValueFormOf(underlying ?? type);
        if (valueForm is null) return schema;

        // A converter of LogPipe's own writes these values: the exporter cannot see its form and wrote "any value".
        var nullable = underlying is not null || IsNullableProperty(context.PropertyInfo);
        if (nullable)
        {
            var types = valueForm["type"] is JsonArray array ? array.Select(t => t!.GetValue<string>()).ToList() : [valueForm["type"]!.GetValue<string>()];
            types.Add("null");
            valueForm["type"] = new JsonArray([.. types.Select(t => (JsonNode)t)]);
        }

        if (schema is JsonObject original && original["description"] is { } description) valueForm["description"] = description.DeepClone();
        return valueForm;
    }

    private static bool IsNullableProperty(JsonPropertyInfo? property) =>
        property is not null && property.PropertyType.IsValueType is false && (property.IsGetNullable || property.IsSetNullable);

    private static JsonObject? ValueFormOf(Type type)
    {
        if (type == typeof(decimal)) return new JsonObject { ["type"] = new JsonArray("string", "number"), ["pattern"] = DecimalPattern };
        if (type == typeof(DateTime)) return new JsonObject { ["type"] = "string", ["pattern"] = DateTimePattern };
        if (type == typeof(DateTimeOffset)) return new JsonObject { ["type"] = "string", ["pattern"] = DateTimeOffsetPattern };
        if (type == typeof(TimeOnly)) return new JsonObject { ["type"] = "string", ["pattern"] = TimePattern };
        if (type == typeof(TimeSpan)) return new JsonObject { ["type"] = "string", ["pattern"] = DurationPattern };
        if (type == typeof(double) || type == typeof(float)) return new JsonObject { ["type"] = "number" };
        return null;
    }
}
