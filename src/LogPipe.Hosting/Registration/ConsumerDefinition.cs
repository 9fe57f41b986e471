using System.Collections.Frozen;

namespace LogPipe.Hosting;

/// <summary>One consumer as configured: its topic or stream, its serializers and the types it ignores. Immutable.</summary>
public sealed class ConsumerDefinition
{
    internal ConsumerDefinition(string stream, IReadOnlyList<SerializerDescriptor> serializers, IEnumerable<string> ignoredTypes, Action<FailureOptions>? configureFailures)
    {
        Stream = stream;
        Serializers = serializers;
        IgnoredTypes = ignoredTypes.ToFrozenSet(StringComparer.Ordinal);
        ConfigureFailures = configureFailures;
        SerializersByType = serializers
            .GroupBy(s => s.MessageType, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyDictionary<int, SerializerDescriptor>)g.ToFrozenDictionary(s => s.Version), StringComparer.Ordinal);
    }

    /// <summary>The Kafka topic or Kinesis stream this consumer reads.</summary>
    public string Stream { get; }

    /// <summary>The registered serializers, several types and several versions of one type.</summary>
    public IReadOnlyList<SerializerDescriptor> Serializers { get; }

    /// <summary>Message types skipped on purpose (logged at debug, not dead-lettered).</summary>
    public IReadOnlySet<string> IgnoredTypes { get; }

    /// <summary>Serializers by message type, then by exact version.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<int, SerializerDescriptor>> SerializersByType { get; }

    /// <summary>This consumer's changes to the service-wide failure options, if any.</summary>
    public Action<FailureOptions>? ConfigureFailures { get; }

    /// <inheritdoc />
    public override string ToString() => $"consumer of {Stream}";
}
