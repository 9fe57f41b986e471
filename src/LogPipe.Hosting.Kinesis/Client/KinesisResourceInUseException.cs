using System.Net;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// The stream is busy, for example still <c>CREATING</c> or <c>UPDATING</c>, or already exists
/// (<c>ResourceInUseException</c>).
/// </summary>
internal class KinesisResourceInUseException : KinesisException
{
    /// <summary>Creates an exception with a default message.</summary>
    public KinesisResourceInUseException()
        : this("The Kinesis stream is in use.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong.</param>
    public KinesisResourceInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public KinesisResourceInUseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an error the service returned.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The service's error code (the <c>__type</c> of the error body).</param>
    /// <param name="statusCode">The HTTP status of the error response.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> of the failed request.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    public KinesisResourceInUseException(string message, string? errorCode, HttpStatusCode? statusCode, string? requestId, Exception? innerException = null)
        : base(message, errorCode, statusCode, requestId, innerException)
    {
    }
}
