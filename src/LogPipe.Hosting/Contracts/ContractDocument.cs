using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogPipe.Hosting.Contracts;

/// <summary>
/// The contracts file (<c>logpipe.contracts.json</c>): every message of a service, written in a stable order with no
/// timestamps, so that exporting twice gives the same bytes and a change shows in review as a diff.
/// </summary>
internal sealed class ContractDocument
{
    /// <summary>The version of the file's own layout.</summary>
    public const int LayoutVersion = 1;

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public ContractDocument(string fieldNaming, IEnumerable<MessageContract> messages)
    {
        FieldNaming = fieldNaming;
        Messages = [.. messages.OrderBy(m => m.MessageType, StringComparer.Ordinal).ThenBy(m => m.Version)];
    }

    /// <summary>The <c>LogPipe:FieldNaming</c> the wire names were made with (for readers; the names are compared).</summary>
    public string FieldNaming { get; }

    /// <summary>The messages, by type then version.</summary>
    public IReadOnlyList<MessageContract> Messages { get; }

    /// <summary>The file's text: indented JSON, <c>\n</c> line ends, a final newline.</summary>
    public string ToJson()
    {
        var messages = new JsonArray();
        foreach (var m in Messages)
        {
            var fields = new JsonArray();
            foreach (var f in m.Fields)
            {
                fields.Add(new JsonObject { ["name"] = f.Name, ["type"] = f.Type, ["nullable"] = f.Nullable, ["required"] = f.Required });
            }

            messages.Add(new JsonObject
            {
                ["type"] = m.MessageType,
                ["version"] = m.Version,
                ["keyField"] = m.KeyField,
                ["producedTo"] = new JsonArray([.. m.ProducedTo.Select(s => (JsonNode)s)]),
                ["consumedFrom"] = new JsonArray([.. m.ConsumedFrom.Select(s => (JsonNode)s)]),
                ["serializer"] = m.Serializer,
                ["fields"] = fields,
                ["schema"] = m.Schema.DeepClone(),
                ["samples"] = new JsonObject { ["json"] = m.JsonSample, ["msgpackBase64"] = m.MessagePackSample },
            });
        }

        var document = new JsonObject
        {
            ["logpipeContracts"] = LayoutVersion,
            ["fieldNaming"] = FieldNaming,
            ["messages"] = messages,
        };
        return document.ToJsonString(Indented) + "\n";
    }

    /// <summary>Reads a contracts file's text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">The text is not a contracts file; the message says where.</exception>
    public static ContractDocument Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"{source} is not a LogPipe contracts file: it is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source} is not valid JSON: {ex.Message}", ex);
        }

        if (root["logpipeContracts"] is not JsonValue layout || !layout.TryGetValue<int>(out var version) || version != LayoutVersion)
        {
            throw new FormatException($"{source} is not a LogPipe contracts file of layout {LayoutVersion}: 'logpipeContracts' is {root["logpipeContracts"]?.ToJsonString() ?? "missing"}.");
        }

        var messages = root["messages"] as JsonArray ?? throw new FormatException($"{source}: 'messages' is missing or not an array.");
        return new ContractDocument(
            (root["fieldNaming"] as JsonValue)?.GetValue<string>() ?? "",
            messages.Select((m, i) => ReadMessage(m as JsonObject ?? throw new FormatException($"{source}: messages[{i}] is not an object."), $"{source}: messages[{i}]")));
    }

    private static MessageContract ReadMessage(JsonObject m, string where)
    {
        string Text(string name) => (m[name] as JsonValue)?.GetValue<string>() ?? throw new FormatException($"{where}: '{name}' is missing or not a string.");
        IReadOnlyList<string> Names(string name) => (m[name] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList() ?? [];
        if (m["version"] is not JsonValue v || !v.TryGetValue<int>(out var version)) throw new FormatException($"{where}: 'version' is missing or not an integer.");
        var schema = m["schema"] as JsonObject ?? throw new FormatException($"{where}: 'schema' is missing or not an object.");
        var samples = m["samples"] as JsonObject;
        return new MessageContract(
            Text("type"),
            version,
            (m["keyField"] as JsonValue)?.GetValue<string>(),
            Names("producedTo"),
            Names("consumedFrom"),
            (m["serializer"] as JsonValue)?.GetValue<string>() ?? "",
            (JsonObject)schema.DeepClone(),
            (samples?["json"] as JsonValue)?.GetValue<string>() ?? "",
            (samples?["msgpackBase64"] as JsonValue)?.GetValue<string>() ?? "");
    }

    /// <summary>The file's text as UTF-8 without a byte order mark.</summary>
    public byte[] ToUtf8() => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(ToJson());
}
