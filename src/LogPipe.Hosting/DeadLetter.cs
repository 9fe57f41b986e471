namespace LogPipe.Hosting;

/// <summary>A record that could not be applied, kept with its raw bytes, where it came from and why it failed.</summary>
/// <remarks>
/// The text taken from the record — <see cref="MessageType"/>, <see cref="Error"/> (which may quote the record) and the
/// header names — is made storable as it is set (<see cref="DeadLetterText.Fit"/>): whatever the record held, writing
/// its dead letter cannot fail because of it. <see cref="Value"/>, <see cref="Key"/> and the header values are kept exactly.
/// </remarks>
public sealed record DeadLetter
{
    /// <summary>The consumer group that failed to apply it.</summary>
    public required string ConsumerGroup { get; init; }

    /// <summary>The partition or shard it came from.</summary>
    public required PartitionKey Partition { get; init; }

    /// <summary>Its offset (Kafka, in-memory).</summary>
    public required long Offset { get; init; }

    /// <summary>Its Kinesis sequence number, if any.</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>The raw key.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The raw value, exactly as received.</summary>
    public required byte[] Value { get; init; }

    /// <summary>The transport headers, if any; names fitted like the other text, a header without a value as an empty one.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers
    {
        get;
        // Kafka allows a header without a value (the transport hands over null): kept as an empty value, which every store can write.
        init => field = value?.Select(h => KeyValuePair.Create(DeadLetterText.Fit(h.Key, DeadLetterText.MaxHeaderNameLength)!, h.Value ?? [])).ToList();
    }

    /// <summary>The message type, when the envelope could be read that far; escaped and cut to fit a store's column.</summary>
    public string? MessageType { get; init => field = DeadLetterText.Fit(value, DeadLetterText.MaxMessageTypeLength); }

    /// <summary>The message version, when the envelope could be read that far.</summary>
    public int? Version { get; init; }

    /// <summary>Why it could not be applied.</summary>
    public required MessageErrorKind ErrorKind { get; init; }

    /// <summary>The error message; escaped and cut to at most <see cref="DeadLetterText.MaxErrorLength"/> characters.</summary>
    public required string Error { get; init => field = DeadLetterText.Fit(value, DeadLetterText.MaxErrorLength)!; }

    /// <summary>How many times applying it was attempted.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>When the transport stored the record.</summary>
    public DateTimeOffset RecordTimestamp { get; init; }

    /// <summary>When it failed for the first time.</summary>
    public DateTimeOffset FirstFailedAt { get; init; }

    /// <summary>When it failed for the last time and was dead-lettered.</summary>
    public DateTimeOffset DeadLetteredAt { get; init; }
}
