namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// How far a partition or shard goes, on the log or in a stored checkpoint: the next offset (Kafka) or the number of
/// records (Kinesis), and on Kinesis the sequence number of the last record.
/// </summary>
/// <param name="NextOffset">Kafka: the offset after the last record. Kinesis: how many records.</param>
/// <param name="SequenceNumber">Kinesis: the last record's sequence number; <see langword="null"/> on Kafka.</param>
public readonly record struct LogPosition(long NextOffset, string? SequenceNumber = null)
{
    /// <summary>Whether a checkpoint at <paramref name="stored"/> has reached this end of the log.</summary>
    public bool IsReachedBy(LogPosition stored) =>
        stored.NextOffset == NextOffset && (SequenceNumber is null || string.Equals(stored.SequenceNumber, SequenceNumber, StringComparison.Ordinal));

    public override string ToString() => SequenceNumber is null
        ? NextOffset.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{NextOffset}@{SequenceNumber}");
}
