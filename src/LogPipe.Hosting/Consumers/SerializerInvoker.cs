using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Serializers;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Consumers;

/// <summary>Applies one envelope through one serializer: deserialize → lookup → validate → save. Typed once at startup.</summary>
internal abstract class SerializerInvoker
{
    protected SerializerInvoker(SerializerDescriptor descriptor) => Descriptor = descriptor;

    public SerializerDescriptor Descriptor { get; }

    public static SerializerInvoker Create(SerializerDescriptor descriptor, JsonSerializerOptions payloadOptions)
    {
        var type = typeof(SerializerInvoker<>).MakeGenericType(descriptor.MessageClrType);
        return (SerializerInvoker)Activator.CreateInstance(type, descriptor, payloadOptions)!;
    }

    /// <summary>
    /// Applies the envelope. Message errors (body does not fit, validation) throw <see cref="InvalidMessageException"/>;
    /// anything else thrown is a save failure.
    /// </summary>
    public abstract Task ApplyAsync(Envelope envelope, IServiceProvider services, CancellationToken cancellationToken);
}

internal sealed class SerializerInvoker<TMessage> : SerializerInvoker
    where TMessage : class
{
    private readonly JsonTypeInfo<TMessage> _typeInfo;

    public SerializerInvoker(SerializerDescriptor descriptor, JsonSerializerOptions payloadOptions)
        : base(descriptor) => _typeInfo = (JsonTypeInfo<TMessage>)payloadOptions.GetTypeInfo(typeof(TMessage));

    public override async Task ApplyAsync(Envelope envelope, IServiceProvider services, CancellationToken cancellationToken)
    {
        var message = Deserialize(envelope);
        var serializer = (MessageSerializer<TMessage>)services.GetRequiredService(Descriptor.SerializerType);
        var instance = await serializer.LookupForApplyAsync(message, cancellationToken).ConfigureAwait(false);
        if (serializer.Validator is { } validator)
        {
            var context = new ValidationContext<TMessage>(message);
            context.RootContextData[MessageSerializer<TMessage>.InstanceContextKey] = instance!;
            var result = await validator.ValidateAsync(context, cancellationToken).ConfigureAwait(false);
            if (!result.IsValid)
            {
                var problems = string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
                throw new InvalidMessageException(MessageErrorKind.ValidationFailed, $"'{envelope.Type}' version {envelope.Version} failed validation: {problems}");
            }
        }

        await serializer.SaveForApplyAsync(message, instance, cancellationToken).ConfigureAwait(false);
    }

    private TMessage Deserialize(Envelope envelope)
    {
        try
        {
            return JsonSerializer.Deserialize(envelope.MessageJson.Span, _typeInfo)
                ?? throw new InvalidMessageException(MessageErrorKind.InvalidMessage, $"'{envelope.Type}' version {envelope.Version} has a null message.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or FormatException or InvalidOperationException)
        {
            throw new InvalidMessageException(
                MessageErrorKind.InvalidMessage,
                $"'{envelope.Type}' version {envelope.Version} does not fit {typeof(TMessage).Name}: {ex.Message}",
                ex);
        }
    }
}
