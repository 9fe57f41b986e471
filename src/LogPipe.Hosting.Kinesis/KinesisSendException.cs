
namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// Records were not stored in Kinesis: refused before sending (too large, bad partition key), refused by the service, or
/// still failing when the retry budget (<c>LogPipe:Kinesis:MaxPutAttempts</c>) ran out. The message names the stream, how
/// many records failed and the service's reason; <see cref="RecordSendException.FailedIndexes"/> says which records of the
/// send they were. Records are never dropped silently. <see cref="RecordSendException.ErrorCode"/> is the service's code
/// of the first failed record (<c>ProvisionedThroughputExceededException</c>, <c>InternalFailure</c>,
/// <c>ResourceNotFoundException</c>, ...) or LogPipe's own reason: <c>RecordTooLarge</c>, <c>PartitionKeyTooLong</c>,
/// <c>EarlierRecordFailed</c> (not sent because an earlier record with the same key failed, to keep their order).
/// </summary>
public class KinesisSendException : RecordSendException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="errorCode">The service's error code (for example <c>ProvisionedThroughputExceededException</c>) or LogPipe's reason.</param>
    /// <param name="failedRecords">How many records of the send failed.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public KinesisSendException(string message, string stream, string errorCode, int failedRecords, Exception? innerException = null)
        : base(message, errorCode, failedRecords, innerException)
    {
        Stream = stream;
    }

    /// <summary>Creates the exception.</summary>
    public KinesisSendException()
        : this("Sending to Kinesis failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public KinesisSendException(string message)
        : this(message, string.Empty, "Unknown", 1)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public KinesisSendException(string message, Exception innerException)
        : this(message, string.Empty, "Unknown", 1, innerException)
    {
    }

    /// <summary>The stream the records were for.</summary>
    public string Stream { get; }
}
