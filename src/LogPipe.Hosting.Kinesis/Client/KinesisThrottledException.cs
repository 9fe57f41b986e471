using System.Net;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// The service refused the call for now: <c>ProvisionedThroughputExceededException</c>,
/// <c>LimitExceededException</c>, <c>ThrottlingException</c> or <c>KMSThrottlingException</c>. The client
/// retries these with backoff; this is thrown once the retries are used up. Slow down and try again.
/// </summary>
internal class KinesisThrottledException : KinesisException
{
    /// <summary>Creates an exception with a default message.</summary>
    public KinesisThrottledException()
        : this("Kinesis throttled the call.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong.</param>
    public KinesisThrottledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public KinesisThrottledException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an error the service returned.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The service's error code (the <c>__type</c> of the error body).</param>
    /// <param name="statusCode">The HTTP status of the error response.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> of the failed request.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public KinesisThrottledException(string message, string? errorCode, HttpStatusCode? statusCode, string? requestId, Exception? innerException = null)
        : base(message, errorCode, statusCode, requestId, innerException)
    {
    }
}
