using System.Text;
using System.Text.Json;

namespace LogPipe.Hosting;

/// <summary>
/// A record the consumers handled in a committed unit of work: applied by its serializer, or skipped with the reason
/// (a message error, an ignored type, a save that kept failing, or a copy of an outbox record applied already).
/// </summary>
public sealed class ConsumedRecord
{
    private readonly JsonSerializerOptions _payloadOptions;

    internal ConsumedRecord(RecordPosition position, byte[]? key, byte[] value, DecodedEnvelope decoded, MessageErrorKind? errorKind, string? error, bool isOutboxCopy, JsonSerializerOptions payloadOptions)
    {
        Position = position;
        Key = key is null ? null : Encoding.UTF8.GetString(key);
        Value = value;
        MessageType = decoded.MessageType;
        Version = decoded.Version;
        MessageJson = decoded.MessageJson;
        ErrorKind = errorKind;
        Error = error;
        IsOutboxCopy = isOutboxCopy;
        _payloadOptions = payloadOptions;
    }

    /// <summary>Where it was read: topic, partition, offset.</summary>
    public RecordPosition Position { get; }

    /// <summary>The topic it was read from.</summary>
    public string Topic => Position.Stream;

    /// <summary>The record key, if any.</summary>
    public string? Key { get; }

    /// <summary>The record value exactly as read.</summary>
    public byte[] Value { get; }

    /// <summary>The envelope's <c>type</c>, when the value could be read that far.</summary>
    public string? MessageType { get; }

    /// <summary>The envelope's <c>version</c>, when the value could be read that far.</summary>
    public int? Version { get; }

    /// <summary>The envelope's <c>message</c> as compact JSON, when the value could be read that far.</summary>
    public string? MessageJson { get; }

    /// <summary>Whether its serializer saved it.</summary>
    public bool IsApplied => ErrorKind is null && !IsOutboxCopy;

    /// <summary>Why it was skipped (and, except <see cref="MessageErrorKind.IgnoredType"/>, dead-lettered); <see langword="null"/> when applied or an outbox copy.</summary>
    public MessageErrorKind? ErrorKind { get; }

    /// <summary>The error message of a skipped record.</summary>
    public string? Error { get; }

    /// <summary>A copy of an outbox record this consumer group applied already: skipped, not dead-lettered.</summary>
    public bool IsOutboxCopy { get; }

    /// <summary>Why it was skipped, in words; <see langword="null"/> when applied.</summary>
    public string? Reason => IsOutboxCopy ? "a copy of an outbox record applied already" : ErrorKind is { } kind ? $"{kind}: {Error}" : null;

    /// <summary>The message read into <typeparamref name="TMessage"/> with the service's wire field names.</summary>
    /// <typeparam name="TMessage">A serializer's message class.</typeparam>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">The value is not an envelope.</exception>
    public TMessage Message<TMessage>() => DecodedEnvelope.Deserialize<TMessage>(MessageJson, Position, Value, _payloadOptions);

    /// <inheritdoc />
    public override string ToString() => $"{Position}: {MessageType ?? "?"} v{Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} {Reason ?? "applied"}";
}
