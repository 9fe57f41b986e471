
namespace LogPipe.Hosting.Kafka;

/// <summary>
/// One or more records were not delivered to Kafka. The message names the topic and the broker's reason;
/// <see cref="RecordSendException.FailedIndexes"/> says which records of the send they were, and
/// <see cref="RecordSendException.PossiblyStoredIndexes"/> which of those librdkafka reports as possibly persisted (sent,
/// then timed out waiting for the acknowledgement): sending those again may store copies.
/// </summary>
public sealed class KafkaSendException : RecordSendException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="errorCode">The Kafka error code name, for example <c>Local_MsgTimedOut</c>.</param>
    /// <param name="failedRecords">How many records of the send failed.</param>
    public KafkaSendException(string message, string errorCode, int failedRecords)
        : base(message, errorCode, failedRecords)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KafkaSendException() : this("Sending to Kafka failed.", "Unknown", 1) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public KafkaSendException(string message) : this(message, "Unknown", 1) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public KafkaSendException(string message, Exception innerException) : base(message, "Unknown", 1, innerException) { }
}
