using System.Net;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// The shard iterator is older than five minutes (<c>ExpiredIteratorException</c>). Get a new one,
/// after the last sequence number read; retrying the same call cannot succeed.
/// </summary>
internal class KinesisExpiredIteratorException : KinesisException
{
    /// <summary>Creates an exception with a default message.</summary>
    public KinesisExpiredIteratorException()
        : this("The shard iterator has expired.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong.</param>
    public KinesisExpiredIteratorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public KinesisExpiredIteratorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an error the service returned.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The service's error code (the <c>__type</c> of the error body).</param>
    /// <param name="statusCode">The HTTP status of the error response.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> of the failed request.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public KinesisExpiredIteratorException(string message, string? errorCode, HttpStatusCode? statusCode, string? requestId, Exception? innerException = null)
        : base(message, errorCode, statusCode, requestId, innerException)
    {
    }
}
