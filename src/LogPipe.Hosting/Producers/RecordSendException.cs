namespace LogPipe.Hosting;

/// <summary>
/// Records of a send were not stored by the transport. Says how many, which ones (<see cref="FailedIndexes"/>, in the
/// order the models were given) and where the others went (<see cref="Positions"/>), so a caller can send again exactly
/// what is missing. Transports throw their own subclass (Kafka, Kinesis) with the broker's or service's reason.
/// </summary>
public class RecordSendException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="errorCode">The transport's error code of the first failure, or LogPipe's own reason.</param>
    /// <param name="failedRecords">How many records of the send were not stored.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public RecordSendException(string message, string errorCode, int failedRecords, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        FailedRecords = failedRecords;
    }

    /// <summary>Creates the exception.</summary>
    public RecordSendException()
        : this("Sending records failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public RecordSendException(string message)
        : this(message, "Unknown", 1)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RecordSendException(string message, Exception innerException)
        : this(message, "Unknown", 1, innerException)
    {
    }

    /// <summary>The transport's error code of the first failed record (for example <c>Local_MsgTimedOut</c>), or LogPipe's own reason.</summary>
    public string ErrorCode { get; }

    /// <summary>How many records of the send were not stored.</summary>
    public int FailedRecords { get; }

    /// <summary>
    /// For each record of the send, in input order: where it was stored, or <see langword="null"/> when it was not. Empty
    /// when the transport could not tell (then treat every record as not stored).
    /// </summary>
    public IReadOnlyList<RecordPosition?> Positions { get; init; } = [];

    /// <summary>The input positions (0-based) of the records that were not stored, ascending.</summary>
    public IReadOnlyList<int> FailedIndexes => [.. Positions.Select((p, i) => (p, i)).Where(x => x.p is null).Select(x => x.i)];

    /// <summary>
    /// The input positions (0-based, ascending) of failed records that may have been stored all the same: the transport
    /// handed them over but got no answer in time (Kafka: librdkafka's <c>PossiblyPersisted</c>, a timeout after the
    /// request was sent). A subset of <see cref="FailedIndexes"/>. Sending these again may store a second copy; the others
    /// were certainly not stored.
    /// </summary>
    public IReadOnlyList<int> PossiblyStoredIndexes { get; init; } = [];

    /// <summary>Positions for a send of <paramref name="count"/> records of which none was stored.</summary>
    /// <param name="count">How many records the send had.</param>
    /// <returns><paramref name="count"/> times <see langword="null"/>.</returns>
    public static IReadOnlyList<RecordPosition?> NoneStored(int count) => new RecordPosition?[count];
}
