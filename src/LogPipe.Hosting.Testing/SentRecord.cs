using System.Text;
using System.Text.Json;

namespace LogPipe.Hosting;

/// <summary>
/// A record on the in-memory log that the service sent (directly, or through the outbox once relayed), with its raw
/// bytes and, when it is a LogPipe envelope, its decoded type, version and message.
/// </summary>
public sealed class SentRecord
{
    private readonly JsonSerializerOptions _payloadOptions;

    internal SentRecord(RecordPosition position, byte[]? key, byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>>? headers, DecodedEnvelope decoded, JsonSerializerOptions payloadOptions)
    {
        Position = position;
        Key = key is null ? null : Encoding.UTF8.GetString(key);
        Value = value;
        Headers = headers ?? [];
        Format = decoded.Format;
        MessageType = decoded.MessageType;
        Version = decoded.Version;
        MessageJson = decoded.MessageJson;
        Producer = decoded.Producer;
        _payloadOptions = payloadOptions;
    }

    /// <summary>Where it is on the log: topic, partition, offset.</summary>
    public RecordPosition Position { get; }

    /// <summary>The topic it was sent to.</summary>
    public string Topic => Position.Stream;

    /// <summary>The record key (the serializer's key field), if any.</summary>
    public string? Key { get; }

    /// <summary>The record value exactly as sent: <c>json:</c> or <c>msgpack:</c> and the envelope.</summary>
    public byte[] Value { get; }

    /// <summary>The transport headers (the outbox relay's, trace context), empty when none.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Headers { get; }

    /// <summary>The format code (<c>json</c> or <c>msgpack</c>); <see langword="null"/> when the value is not an envelope.</summary>
    public string? Format { get; }

    /// <summary>The envelope's <c>type</c>; <see langword="null"/> when the value is not an envelope.</summary>
    public string? MessageType { get; }

    /// <summary>The envelope's <c>version</c>; <see langword="null"/> when the value is not an envelope.</summary>
    public int? Version { get; }

    /// <summary>The envelope's <c>message</c> as compact JSON, whatever the format; <see langword="null"/> when the value is not an envelope.</summary>
    public string? MessageJson { get; }

    /// <summary>The envelope's <c>producer</c>, when the sender set a producer id.</summary>
    public string? Producer { get; }

    /// <summary>The message read into <typeparamref name="TMessage"/> with the service's wire field names.</summary>
    /// <typeparam name="TMessage">A serializer's message class.</typeparam>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">The value is not an envelope.</exception>
    public TMessage Message<TMessage>() => DecodedEnvelope.Deserialize<TMessage>(MessageJson, Position, Value, _payloadOptions);

    /// <inheritdoc />
    public override string ToString() => MessageType is null ? $"{Position}: {DecodedEnvelope.Preview(Value)}" : $"{Position}: {MessageType} v{Version}";
}
