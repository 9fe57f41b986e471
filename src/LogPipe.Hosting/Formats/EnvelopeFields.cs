namespace LogPipe.Hosting.Formats;

/// <summary>
/// The envelope keys found while reading a body, whatever its format, and the one place that decides whether they
/// make an envelope: <c>type</c>, <c>version</c> and <c>message</c> are required, <c>producer</c> is optional.
/// </summary>
internal struct EnvelopeFields
{
    /// <summary>The <c>type</c> value, once read.</summary>
    public string? Type { get; set; }

    /// <summary>The <c>version</c> value, once read.</summary>
    public int? Version { get; set; }

    /// <summary>The <c>message</c> object as UTF-8 JSON, once read.</summary>
    public ReadOnlyMemory<byte>? Message { get; set; }

    /// <summary>The <c>producer</c> value, if present and not null.</summary>
    public string? Producer { get; set; }

    /// <summary>The envelope, or the error naming the first missing key.</summary>
    /// <param name="format">The format code the record carried.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="InvalidMessageException">A required key is missing.</exception>
    public readonly Envelope ToEnvelope(string format)
    {
        if (Type is null)
        {
            throw Invalid("The envelope has no 'type'.");
        }

        if (Version is not int version)
        {
            throw Invalid("The envelope has no 'version'.");
        }

        if (Message is not ReadOnlyMemory<byte> message)
        {
            throw Invalid("The envelope has no 'message'.");
        }

        return new Envelope(format, Type, version, message, Producer);
    }

    /// <summary>The error for an envelope key holding the wrong kind of value.</summary>
    /// <param name="key">The envelope key.</param>
    /// <param name="expected">What it must hold, e.g. "a string".</param>
    /// <param name="actual">What it held, e.g. "Number".</param>
    /// <returns>An <see cref="MessageErrorKind.InvalidEnvelope"/> error.</returns>
    public static InvalidMessageException WrongKind(string key, string expected, string actual) =>
        Invalid($"The envelope's '{key}' must be {expected}, not {actual}.");

    /// <summary>The error for a <c>version</c> number that is not a 32-bit integer.</summary>
    /// <param name="text">The number as it appeared.</param>
    /// <returns>An <see cref="MessageErrorKind.InvalidEnvelope"/> error.</returns>
    public static InvalidMessageException VersionOutOfRange(string text) =>
        Invalid($"The envelope's 'version' {text} is not an integer between {int.MinValue} and {int.MaxValue}.");

    /// <summary>The error for an envelope string holding a lone UTF-16 surrogate escape such as <c>\udc00</c>.</summary>
    /// <param name="key">The envelope key.</param>
    /// <returns>An <see cref="MessageErrorKind.InvalidEnvelope"/> error.</returns>
    public static InvalidMessageException LoneSurrogate(string key) =>
        Invalid($"The envelope's '{key}' holds a lone UTF-16 surrogate escape (such as \\udc00), which is not Unicode text.");

    /// <summary>The error for a body whose top level is not an object or map.</summary>
    /// <param name="actual">What it was.</param>
    /// <returns>An <see cref="MessageErrorKind.InvalidEnvelope"/> error.</returns>
    public static InvalidMessageException NotAnEnvelope(string actual) =>
        Invalid($"The record body is {actual}, not an envelope object with 'type', 'version' and 'message'.");

    private static InvalidMessageException Invalid(string message) => new(MessageErrorKind.InvalidEnvelope, message);
}
