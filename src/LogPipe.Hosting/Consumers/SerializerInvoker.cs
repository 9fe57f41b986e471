using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using LogPipe.Hosting.Formats;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Consumers;

/// <summary>Applies messages through one serializer: deserialize, then lookup → validate → save. Typed once at startup.</summary>
internal abstract class SerializerInvoker : MessageBodyDecoder
{
    protected SerializerInvoker(SerializerDescriptor descriptor)
    {
        Descriptor = descriptor;
        Applied = Task.FromResult(RecordOutcome.Applied(descriptor.MessageType, descriptor.Version));
    }

    public SerializerDescriptor Descriptor { get; }

    /// <summary>The outcome of a record this serializer applied, completed: one task for every record, not one each.</summary>
    public Task<RecordOutcome> Applied { get; }

    public static SerializerInvoker Create(SerializerDescriptor descriptor, JsonSerializerOptions payloadOptions)
    {
        var type = typeof(SerializerInvoker<>).MakeGenericType(descriptor.MessageClrType);
        return (SerializerInvoker)Activator.CreateInstance(type, descriptor, payloadOptions)!;
    }

    /// <summary>
    /// The message body as its class; a body that does not fit throws <see cref="InvalidMessageException"/>, whatever
    /// the deserializer or the message class's constructor threw.
    /// </summary>
    public abstract object Deserialize(Envelope envelope);

    /// <summary>Whether the serializer resolved in <paramref name="services"/> allows batched saves (tracked or set-wise).</summary>
    public abstract bool BatchSaves(IServiceProvider services);

    /// <summary>
    /// A run collecting messages for the serializer's <see cref="IBatchMessageSerializer{TMessage}.SaveBatchAsync"/>, or
    /// <see langword="null"/> when the serializer resolved in <paramref name="services"/> saves one message at a time.
    /// </summary>
    public abstract SetSaveRun? StartSetSave(IServiceProvider services);

    /// <summary>Lets the serializer load what the unit's lookups will need, in one go.</summary>
    public abstract Task PrefetchAsync(IReadOnlyList<object> messages, IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>
    /// Looks up, validates and saves. Validation failures throw <see cref="InvalidMessageException"/>; anything else thrown
    /// is a save failure.
    /// </summary>
    public abstract Task ApplyAsync(Envelope envelope, object message, IServiceProvider services, CancellationToken cancellationToken);
}

internal sealed class SerializerInvoker<TMessage> : SerializerInvoker
    where TMessage : class
{
    private readonly JsonTypeInfo<TMessage> _typeInfo;
    private readonly JsonConverter<TMessage> _converter;

    public SerializerInvoker(SerializerDescriptor descriptor, JsonSerializerOptions payloadOptions)
        : base(descriptor)
    {
        _typeInfo = (JsonTypeInfo<TMessage>)payloadOptions.GetTypeInfo(typeof(TMessage));
        _converter = (JsonConverter<TMessage>)_typeInfo.Converter;
    }

    public override object Deserialize(Envelope envelope)
    {
        try
        {
            return JsonSerializer.Deserialize(envelope.MessageJson.Span, _typeInfo)
                ?? throw new InvalidMessageException(MessageErrorKind.InvalidMessage, $"'{envelope.Type}' version {envelope.Version} has a null message.");
        }
        catch (Exception ex) when (ex is not InvalidMessageException)
        {
            // Not only JsonException: lone surrogates in names or strings throw InvalidOperationException, a message
            // class's constructor may throw anything (ArgumentException, OverflowException...). All are the message's fault.
            throw new InvalidMessageException(
                MessageErrorKind.InvalidMessage,
                $"'{envelope.Type}' version {envelope.Version} does not fit {typeof(TMessage).Name}: {ex.Message}",
                ex);
        }
    }

    // The type's converter, called directly: JsonSerializer.Deserialize(ref reader) would first skip the whole value to
    // scope a reader to it, reading the message twice all the same.
    public override object? Decode(ref Utf8JsonReader reader) => _converter.Read(ref reader, typeof(TMessage), _typeInfo.Options);

    public override bool BatchSaves(IServiceProvider services) => Serializer(services) is { } serializer && (serializer.BatchSaves || serializer is IBatchMessageSerializer<TMessage>);

    public override SetSaveRun? StartSetSave(IServiceProvider services) =>
        Serializer(services) is IBatchMessageSerializer<TMessage> batch ? new SetSaveRun<TMessage>(this, batch) : null;

    public override Task PrefetchAsync(IReadOnlyList<object> messages, IServiceProvider services, CancellationToken cancellationToken) =>
        Serializer(services).PrefetchAsync(messages.Cast<TMessage>().ToList(), cancellationToken);

    public override async Task ApplyAsync(Envelope envelope, object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var typed = (TMessage)message;
        var serializer = Serializer(services);
        var instance = await LookupAndValidateAsync(serializer, envelope, typed, cancellationToken).ConfigureAwait(false);
        await serializer.SaveForApplyAsync(typed, instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instance lookup finds for the message, once the message passed validation (else <see cref="InvalidMessageException"/>).</summary>
    public async ValueTask<object?> LookupAndValidateAsync(Envelope envelope, TMessage message, IServiceProvider services, CancellationToken cancellationToken) =>
        await LookupAndValidateAsync(Serializer(services), envelope, message, cancellationToken).ConfigureAwait(false);

    private static async ValueTask<object?> LookupAndValidateAsync(MessageSerializer<TMessage> serializer, Envelope envelope, TMessage message, CancellationToken cancellationToken)
    {
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

        return instance;
    }

    // Serializers are scoped to a unit of work, and a unit asks for its serializer once per record: resolving through the
    // scope each time (a lock and a dictionary lookup) showed up in profiles. The last scope's serializer is kept here,
    // as one immutable pair so concurrent callers (the replay service) never see a serializer of another scope.
    private ScopedSerializer? _last;

    private MessageSerializer<TMessage> Serializer(IServiceProvider services)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Services, services)) return last.Serializer;
        var serializer = (MessageSerializer<TMessage>)services.GetRequiredService(Descriptor.SerializerType);
        Volatile.Write(ref _last, new ScopedSerializer(services, serializer));
        return serializer;
    }

    private sealed record ScopedSerializer(IServiceProvider Services, MessageSerializer<TMessage> Serializer);
}
