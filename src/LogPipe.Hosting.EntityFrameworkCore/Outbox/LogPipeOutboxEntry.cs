namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// A committed outbox record waiting for the relay (table <c>LogPipeOutbox</c>). Written in the transaction of the change it
/// announces, deleted once the broker acknowledged it, or set aside (<see cref="SetAsideAt"/>) when the broker refused it for good.
/// </summary>
public sealed class LogPipeOutboxEntry
{
    /// <summary>
    /// Row id, in commit order (the row is inserted as the last statement before commit). Never reused: with the database's
    /// outbox source id it is the record's identity for consumers (header <c>logpipe-outbox-sequence</c>).
    /// </summary>
    public long Id { get; set; }

    /// <summary>The Kafka topic or Kinesis stream.</summary>
    public required string Topic { get; set; }

    /// <summary>The record key, or <see langword="null"/> when the serializer has no key field.</summary>
    public string? Key { get; set; }

    /// <summary>The encoded envelope, exactly as it will be sent (<c>json:</c> or <c>msgpack:</c> prefixed).</summary>
    public required byte[] Value { get; set; }

    /// <summary>Transport headers as a JSON array of <c>[name, base64 value]</c> pairs (as dead letters keep them), if any.</summary>
    public string? Headers { get; set; }

    /// <summary>The envelope's message type.</summary>
    public required string MessageType { get; set; }

    /// <summary>The envelope's message version.</summary>
    public int Version { get; set; }

    /// <summary>When the transaction that wrote it committed.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>How many sends of it failed.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last send failed, if one did.</summary>
    public string? LastError { get; set; }

    /// <summary>
    /// When the relay set it aside because the broker refused it for good (too large, unknown topic); <see langword="null"/>
    /// while it waits to be sent. Set-aside rows are not sent again; <see cref="LastError"/> says why.
    /// </summary>
    public DateTimeOffset? SetAsideAt { get; set; }
}
