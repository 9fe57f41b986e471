namespace LogPipe.Hosting;

/// <summary>A registered serializer class and what it declares, read once at startup.</summary>
public sealed class SerializerDescriptor
{
    private SerializerDescriptor(Type serializerType, string messageType, int version, string? keyField, Type messageClrType, Type? modelClrType)
    {
        SerializerType = serializerType;
        MessageType = messageType;
        Version = version;
        KeyField = keyField;
        MessageClrType = messageClrType;
        ModelClrType = modelClrType;
    }

    /// <summary>The serializer class.</summary>
    public Type SerializerType { get; }

    /// <summary>The message type it handles.</summary>
    public string MessageType { get; }

    /// <summary>The message version it handles.</summary>
    public int Version { get; }

    /// <summary>The wire name of its key field, if any.</summary>
    public string? KeyField { get; }

    /// <summary>Its message body class.</summary>
    public Type MessageClrType { get; }

    /// <summary>Its model class, for <see cref="ModelSerializer{TModel, TMessage}"/>; otherwise <see langword="null"/>.</summary>
    public Type? ModelClrType { get; }

    /// <summary>Reads what a serializer class declares.</summary>
    /// <param name="serializerType">A class deriving from <see cref="MessageSerializer{TMessage}"/>.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentException">The class is not a usable serializer; the message says why.</exception>
    public static SerializerDescriptor For(Type serializerType)
    {
        ArgumentNullException.ThrowIfNull(serializerType);
        if (serializerType.IsAbstract || serializerType.IsGenericTypeDefinition)
        {
            throw new ArgumentException($"Serializer {serializerType.FullName} must be a concrete, closed class.", nameof(serializerType));
        }

        Type? messageType = null, modelType = null;
        for (var t = serializerType; t is not null; t = t.BaseType)
        {
            if (!t.IsGenericType) continue;
            var definition = t.GetGenericTypeDefinition();
            if (definition == typeof(ModelSerializer<,>) && modelType is null)
            {
                modelType = t.GetGenericArguments()[0];
            }
            else if (definition == typeof(MessageSerializer<>))
            {
                messageType = t.GetGenericArguments()[0];
                break;
            }
        }

        if (messageType is null)
        {
            throw new ArgumentException($"{serializerType.FullName} does not derive from MessageSerializer<TMessage> or ModelSerializer<TModel, TMessage>.", nameof(serializerType));
        }

        // MessageType, Version and KeyField are declarations, like django-logpipe's class attributes, read once here.
        var declared = SerializerDeclarations.Read(serializerType);
        var name = declared.MessageType;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{serializerType.FullName}.MessageType must not be empty.", nameof(serializerType));
        }

        if (declared.Version < 1)
        {
            throw new ArgumentException($"{serializerType.FullName}.Version is {declared.Version}; a message version must be 1 or more (for example `public override int Version => 1;`).", nameof(serializerType));
        }

        var version = declared.Version;
        var keyField = declared.KeyField;
        return new SerializerDescriptor(serializerType, name, version, string.IsNullOrEmpty(keyField) ? null : keyField, messageType, modelType);
    }

    /// <inheritdoc />
    public override string ToString() => $"{MessageType} v{Version} ({SerializerType.Name})";
}
