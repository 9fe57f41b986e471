using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Contracts;

/// <summary>Builds the contracts of a service from what <c>AddLogPipe</c> registered and the wire's payload options.</summary>
internal static class ContractExporter
{
    public static ContractDocument Export(LogPipeConfiguration configuration, JsonSerializerOptions payloadOptions, FieldNaming fieldNaming)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(payloadOptions);
        var uses = configuration.Producers.Select(p => (p.Serializer, p.Stream, Produced: true))
            .Concat(configuration.Consumers.SelectMany(c => c.Serializers.Select(s => (Serializer: s, c.Stream, Produced: false))))
            .ToList();
        var writer = new EnvelopeWriter(payloadOptions);
        var messages = uses
            .GroupBy(u => (u.Serializer.MessageType, u.Serializer.Version))
            .Select(g => Describe(g.Key.MessageType, g.Key.Version, [.. g], payloadOptions, writer));
        return new ContractDocument(fieldNaming.ToString(), messages);
    }

    private static MessageContract Describe(
        string messageType, int version, IReadOnlyList<(SerializerDescriptor Serializer, string Stream, bool Produced)> uses, JsonSerializerOptions options, EnvelopeWriter writer)
    {
        var shapes = uses.Select(u => u.Serializer.MessageClrType).Distinct().ToList();
        var keyFields = uses.Select(u => u.Serializer.KeyField).Distinct().ToList();
        if (shapes.Count > 1 || keyFields.Count > 1)
        {
            throw new InvalidOperationException(
                $"'{messageType}' version {version} is handled by serializers that disagree on its message or key field: " +
                $"{string.Join(", ", uses.Select(u => $"{u.Serializer.SerializerType.Name} ({u.Serializer.MessageClrType.Name}, key {u.Serializer.KeyField ?? "none"}) on '{u.Stream}'").Distinct())}. " +
                "One (type, version) must have one shape; give the other a version of its own.");
        }

        var clrType = shapes[0];
        var schema = MessageSchema.For(clrType, $"{messageType} v{version}", options);
        var (json, msgpack) = Samples(messageType, version, clrType, schema, options, writer);
        return new MessageContract(
            messageType,
            version,
            keyFields[0],
            Streams(uses, produced: true),
            Streams(uses, produced: false),
            string.Join(", ", uses.Select(u => ReadableName(u.Serializer.SerializerType)).Distinct().Order(StringComparer.Ordinal)),
            schema,
            json,
            msgpack);
    }

    /// <summary>A type's name as C# writes it (<c>Ns.Outer.Serializer&lt;Ns.Message&gt;</c>), without assembly versions.</summary>
    private static string ReadableName(Type type)
    {
        var name = (type.IsNested ? ReadableName(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name);
        if (!type.IsGenericType) return name;
        var arguments = type.GetGenericArguments().Skip(type.DeclaringType?.GetGenericArguments().Length ?? 0);
        return name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", arguments.Select(ReadableName)) + ">";
    }

    private static List<string> Streams(IEnumerable<(SerializerDescriptor Serializer, string Stream, bool Produced)> uses, bool produced) =>
        [.. uses.Where(u => u.Produced == produced).Select(u => u.Stream).Distinct().Order(StringComparer.Ordinal)];

    private static (string Json, string MessagePack) Samples(string messageType, int version, Type clrType, JsonObject schema, JsonSerializerOptions options, EnvelopeWriter writer)
    {
        // Through the message class and back, so the samples are what this service really writes.
        var sample = SampleMessage.For(schema, schema);
        object message;
        try
        {
            message = sample.Deserialize(clrType, options)
                ?? throw new InvalidOperationException("the sample read as null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException($"'{messageType}' version {version}: a sample {clrType.Name} could not be made from its schema ({sample?.ToJsonString()}): {ex.Message}", ex);
        }

        var json = writer.Write(WireFormat.Json, messageType, version, message, producerId: null);
        var msgpack = writer.Write(WireFormat.MessagePack, messageType, version, message, producerId: null);
        return (Encoding.UTF8.GetString(json), Convert.ToBase64String(msgpack));
    }
}
