using System.Net;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// The request itself is wrong (<c>ValidationException</c> or <c>InvalidArgumentException</c>), such
/// as a garbled shard iterator or a value out of range. Retrying the same request cannot succeed.
/// </summary>
internal class KinesisValidationException : KinesisException
{
    /// <summary>Creates an exception with a default message.</summary>
    public KinesisValidationException()
        : this("The Kinesis request is invalid.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong.</param>
    public KinesisValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public KinesisValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an error the service returned.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The service's error code (the <c>__type</c> of the error body).</param>
    /// <param name="statusCode">The HTTP status of the error response.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> of the failed request.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public KinesisValidationException(string message, string? errorCode, HttpStatusCode? statusCode, string? requestId, Exception? innerException = null)
        : base(message, errorCode, statusCode, requestId, innerException)
    {
    }
}
