namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>A stored dead letter: a record that could not be applied, with its raw bytes, source and reason.</summary>
public sealed class LogPipeDeadLetter
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The consumer group that failed to apply it.</summary>
    public required string ConsumerGroup { get; set; }

    /// <summary>The transport and region.</summary>
    public required string Transport { get; set; }

    /// <summary>The topic or stream.</summary>
    public required string Stream { get; set; }

    /// <summary>The partition number or shard id.</summary>
    public required string Partition { get; set; }

    /// <summary>The record's offset.</summary>
    public long Offset { get; set; }

    /// <summary>The record's Kinesis sequence number, if any.</summary>
    public string? SequenceNumber { get; set; }

    /// <summary>The raw key.</summary>
    public byte[]? Key { get; set; }

    /// <summary>The raw value, exactly as received.</summary>
    public required byte[] Value { get; set; }

    /// <summary>The headers as a JSON array of <c>[name, base64 value]</c> pairs, if any.</summary>
    public string? Headers { get; set; }

    /// <summary>The message type, when the envelope could be read that far.</summary>
    public string? MessageType { get; set; }

    /// <summary>The message version, when the envelope could be read that far.</summary>
    public int? Version { get; set; }

    /// <summary>The error kind (a <c>MessageErrorKind</c> name).</summary>
    public required string ErrorKind { get; set; }

    /// <summary>The error message.</summary>
    public required string Error { get; set; }

    /// <summary>How many times applying it was attempted.</summary>
    public int Attempts { get; set; }

    /// <summary>When the transport stored the record.</summary>
    public DateTimeOffset RecordTimestamp { get; set; }

    /// <summary>When it first failed.</summary>
    public DateTimeOffset FirstFailedAt { get; set; }

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset DeadLetteredAt { get; set; }

    /// <summary>
    /// When an operator asked the running service to replay it (<c>logpipe dead-letters replay</c>); <see langword="null"/>
    /// when no replay is pending. <see cref="DeadLetterReplayService{TDbContext}"/> clears it as it takes the request.
    /// </summary>
    public DateTimeOffset? ReplayRequestedAt { get; set; }
}
