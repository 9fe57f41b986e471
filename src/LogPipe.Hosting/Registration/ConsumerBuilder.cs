
namespace LogPipe.Hosting;

/// <summary>Configures one consumer: which serializers apply its records and which types it ignores.</summary>
public sealed class ConsumerBuilder
{
    private readonly List<SerializerDescriptor> _serializers = [];
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);
    private Action<FailureOptions>? _failures;

    internal ConsumerBuilder(string stream) => Stream = stream;

    /// <summary>The topic or stream being configured.</summary>
    public string Stream { get; }

    /// <summary>Adds a serializer; register one per (message type, version) the topic carries.</summary>
    /// <typeparam name="TSerializer">A <see cref="MessageSerializer{TMessage}"/> or <see cref="ModelSerializer{TModel, TMessage}"/>.</typeparam>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">Another serializer already handles the same type and version.</exception>
    public ConsumerBuilder Register<TSerializer>()
        where TSerializer : class, IMessageSerializer
    {
        var descriptor = SerializerDescriptor.For(typeof(TSerializer));
        var clash = _serializers.Find(s => s.MessageType == descriptor.MessageType && s.Version == descriptor.Version);
        if (clash is not null)
        {
            throw new ArgumentException($"Consumer of '{Stream}': {descriptor.SerializerType.Name} and {clash.SerializerType.Name} both handle '{descriptor.MessageType}' version {descriptor.Version}.");
        }

        _serializers.Add(descriptor);
        return this;
    }

    /// <summary>Skips records of these message types on purpose: they are logged at debug level and not dead-lettered.</summary>
    /// <param name="messageTypes">The message types.</param>
    /// <returns>This builder.</returns>
    public ConsumerBuilder Ignore(params string[] messageTypes)
    {
        ArgumentNullException.ThrowIfNull(messageTypes);
        foreach (var type in messageTypes) _ignored.Add(type);
        return this;
    }

    /// <summary>Overrides the service-wide failure options (<c>LogPipe:Failures</c>) for this consumer.</summary>
    /// <param name="configure">Changes to apply to a copy of the service-wide options.</param>
    /// <returns>This builder.</returns>
    public ConsumerBuilder WithFailures(Action<FailureOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _failures += configure;
        return this;
    }

    internal ConsumerDefinition Build()
    {
        if (_serializers.Count == 0 && _ignored.Count == 0)
        {
            throw new InvalidOperationException($"Consumer of '{Stream}' has no serializers; call Register<TSerializer>().");
        }

        return new ConsumerDefinition(Stream, [.. _serializers], _ignored, _failures);
    }
}
