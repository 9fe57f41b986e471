using System.Net;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// A Kinesis call failed: the service answered with an error, or (with no <see cref="ErrorCode"/>
/// and no <see cref="StatusCode"/>) the request never got an answer. Derived types name the errors
/// a caller handles differently. Messages never contain credentials.
/// </summary>
internal class KinesisException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public KinesisException()
        : this("A Kinesis call failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong.</param>
    public KinesisException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public KinesisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an error the service returned.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The service's error code (the <c>__type</c> of the error body).</param>
    /// <param name="statusCode">The HTTP status of the error response.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> of the failed request.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public KinesisException(string message, string? errorCode, HttpStatusCode? statusCode, string? requestId, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>The service's error code, such as <c>ResourceNotFoundException</c>; <see langword="null"/> when no error body was read.</summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status of the error response; <see langword="null"/> when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The request id AWS support asks for; <see langword="null"/> when the service sent none.</summary>
    public string? RequestId { get; }
}
