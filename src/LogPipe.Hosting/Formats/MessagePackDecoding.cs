using MessagePack;

namespace LogPipe.Hosting.Formats;

/// <summary>What every MessagePack body reader shares: the end-of-body rule and turning reader failures into message errors.</summary>
internal static class MessagePackDecoding
{
    /// <summary>Refuses bytes after the top-level value, as Python's <c>msgpack.unpackb</c> does (ExtraData).</summary>
    /// <param name="reader">After the top-level value.</param>
    public static void RequireEnd(ref MessagePackReader reader)
    {
        if (!reader.End)
        {
            throw Undecodable("The MessagePack body has bytes left over after its top-level value.");
        }
    }

    /// <summary>Whether <paramref name="exception"/> is how <see cref="MessagePackReader"/> reports truncated or malformed bytes.</summary>
    /// <param name="exception">An exception from reading.</param>
    /// <returns><see langword="true"/> for the reader's own failures.</returns>
    /// <remarks>
    /// A str32 or bin32 length header of 2^31 or more reads as a negative length, on which the reader slices its buffer and
    /// throws <see cref="ArgumentOutOfRangeException"/>: that too is a malformed record, not a failure of the consumer.
    /// </remarks>
    public static bool IsDecodingError(Exception exception) =>
        exception is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentOutOfRangeException;

    /// <summary>The error for bytes the MessagePack reader could not read.</summary>
    /// <param name="exception">The reader's failure.</param>
    /// <returns>An <see cref="MessageErrorKind.Undecodable"/> error.</returns>
    public static InvalidMessageException Undecodable(Exception exception) => new(
        MessageErrorKind.Undecodable,
        exception switch
        {
            EndOfStreamException => "The MessagePack body is truncated: it ends inside a value.",
            ArgumentOutOfRangeException => "The MessagePack body is malformed: a length header is larger than any body can be.",
            _ => $"The MessagePack body is malformed: {exception.Message}",
        },
        exception);

    /// <summary>An <see cref="MessageErrorKind.Undecodable"/> error with <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong.</param>
    /// <returns>The error.</returns>
    public static InvalidMessageException Undecodable(string message) => new(MessageErrorKind.Undecodable, message);

    /// <summary>A MessagePack type as a reader of the error message would call the value.</summary>
    /// <param name="type">The type.</param>
    /// <returns>For example "a map" or "an integer".</returns>
    public static string Describe(MessagePackType type) => type switch
    {
        MessagePackType.Integer => "an integer",
        MessagePackType.Nil => "nil",
        MessagePackType.Boolean => "a boolean",
        MessagePackType.Float => "a float",
        MessagePackType.String => "a string",
        MessagePackType.Binary => "binary data",
        MessagePackType.Array => "an array",
        MessagePackType.Map => "a map",
        MessagePackType.Extension => "an extension value",
        _ => "an invalid value",
    };
}
