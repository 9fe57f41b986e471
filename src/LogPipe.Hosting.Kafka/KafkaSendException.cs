namespace LogPipe.Hosting.Kafka;

/// <summary>One or more records were not delivered to Kafka. The message names the topic and the broker's reason.</summary>
public sealed class KafkaSendException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="errorCode">The Kafka error code name.</param>
    /// <param name="failedRecords">How many records of the send failed.</param>
    public KafkaSendException(string message, string errorCode, int failedRecords)
        : base(message)
    {
        ErrorCode = errorCode;
        FailedRecords = failedRecords;
    }

    /// <summary>Creates the exception.</summary>
    public KafkaSendException() : this("Sending to Kafka failed.", "Unknown", 1) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public KafkaSendException(string message) : this(message, "Unknown", 1) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public KafkaSendException(string message, Exception innerException) : base(message, innerException) => ErrorCode = "Unknown";

    /// <summary>The Kafka error code name, for example <c>Local_MsgTimedOut</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>How many records of the send failed.</summary>
    public int FailedRecords { get; }
}
