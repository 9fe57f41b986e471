using System.Text.Json.Nodes;

namespace LogPipe.Hosting.Contracts;

/// <summary>What one (message type, version) promises on the wire, as exported to or read from the contracts file.</summary>
/// <param name="MessageType">The envelope's <c>type</c>.</param>
/// <param name="Version">The envelope's <c>version</c>.</param>
/// <param name="KeyField">The wire name of the key field, or <see langword="null"/>.</param>
/// <param name="ProducedTo">The topics or streams this service sends it to.</param>
/// <param name="ConsumedFrom">The topics or streams this service applies it from.</param>
/// <param name="Serializer">The serializer class (for readers; not compared).</param>
/// <param name="Schema">The message's JSON Schema.</param>
/// <param name="JsonSample">A sample record in the <c>json</c> format, as text.</param>
/// <param name="MessagePackSample">The same record in the <c>msgpack</c> format, base64.</param>
internal sealed record MessageContract(
    string MessageType,
    int Version,
    string? KeyField,
    IReadOnlyList<string> ProducedTo,
    IReadOnlyList<string> ConsumedFrom,
    string Serializer,
    JsonObject Schema,
    string JsonSample,
    string MessagePackSample)
{
    /// <summary>The message's top-level fields, read from <see cref="Schema"/>.</summary>
    public IReadOnlyList<FieldContract> Fields { get; } = FieldContract.From(Schema);

    /// <summary>How a difference names this message: <c>person v2</c>.</summary>
    public string Name => $"{MessageType} v{Version}";
}
