namespace LogPipe.Hosting;

/// <summary>A record that cannot be applied: its bytes, envelope or message are wrong. The text says what is wrong.</summary>
public sealed class InvalidMessageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What kind of message error this is.</param>
    /// <param name="message">What is wrong, in a sentence that names the problem.</param>
    /// <param name="innerException">The underlying parser or validation exception, if any.</param>
    public InvalidMessageException(MessageErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>Creates the exception with <see cref="MessageErrorKind.Undecodable"/>.</summary>
    public InvalidMessageException() : this(MessageErrorKind.Undecodable, "The record could not be decoded.") { }

    /// <summary>Creates the exception with <see cref="MessageErrorKind.Undecodable"/>.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidMessageException(string message) : this(MessageErrorKind.Undecodable, message) { }

    /// <summary>Creates the exception with <see cref="MessageErrorKind.Undecodable"/>.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public InvalidMessageException(string message, Exception? innerException) : this(MessageErrorKind.Undecodable, message, innerException) { }

    /// <summary>What kind of message error this is.</summary>
    public MessageErrorKind Kind { get; }
}
