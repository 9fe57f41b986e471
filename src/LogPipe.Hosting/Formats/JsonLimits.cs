using System.Text.Json;
using System.Text.Unicode;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Walks JSON with a <see cref="Utf8JsonReader"/> while enforcing <see cref="EnvelopeLimits"/>, so deep nesting and long
/// strings are refused as <see cref="MessageErrorKind.LimitExceeded"/> before anything is materialised.
/// </summary>
internal static class JsonLimits
{
    /// <summary>
    /// Reader options one level looser than the limit, so the limit check (a clear LimitExceeded) fires before the
    /// reader's own depth error (a generic JsonException).
    /// </summary>
    /// <param name="limits">The limits in force.</param>
    /// <returns>Options for a reader over a record body.</returns>
    public static JsonReaderOptions ReaderOptions(EnvelopeLimits limits) => new() { MaxDepth = ParserMaxDepth(limits) };

    /// <summary>The depth to give a System.Text.Json parser so that <see cref="CheckToken"/> reports the limit first.</summary>
    /// <param name="limits">The limits in force.</param>
    /// <returns><see cref="EnvelopeLimits.MaxDepth"/> plus one, without overflowing.</returns>
    public static int ParserMaxDepth(EnvelopeLimits limits) => Math.Min(limits.MaxDepth, int.MaxValue - 1) + 1;

    /// <summary>Checks the current token: a container's nesting level, or a string's or name's length.</summary>
    /// <param name="reader">The reader, on any token.</param>
    /// <param name="limits">The limits to enforce.</param>
    public static void CheckToken(ref Utf8JsonReader reader, EnvelopeLimits limits)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= limits.MaxDepth:
                throw new InvalidMessageException(
                    MessageErrorKind.LimitExceeded,
                    $"The record nests deeper than the limit of {limits.MaxDepth} levels.");
            case JsonTokenType.String or JsonTokenType.PropertyName when reader.ValueSpan.Length > limits.MaxStringLength:
                throw new InvalidMessageException(
                    MessageErrorKind.LimitExceeded,
                    $"The record contains a string of {reader.ValueSpan.Length} bytes, longer than the limit of {limits.MaxStringLength}.");
            default:
                break;
        }
    }

    /// <summary>Moves past the value whose first token the reader is on, checking every token on the way.</summary>
    /// <param name="reader">On the first token of a value; afterwards on its last token.</param>
    /// <param name="limits">The limits to enforce.</param>
    public static void SkipValue(ref Utf8JsonReader reader, EnvelopeLimits limits)
    {
        CheckToken(ref reader, limits);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        int depth = reader.CurrentDepth;
        while (reader.Read())
        {
            CheckToken(ref reader, limits);
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                return;
            }
        }
    }

    /// <summary>Checks a whole JSON body: UTF-8, syntax, one value and nothing after it, and the limits.</summary>
    /// <param name="json">The body after the <c>json:</c> prefix.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <exception cref="InvalidMessageException">The body is not one valid JSON value within the limits.</exception>
    public static void CheckDocument(ReadOnlySpan<byte> json, EnvelopeLimits limits)
    {
        RequireUtf8(json);
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions(limits));
            reader.Read();
            SkipValue(ref reader, limits);
            RequireEnd(ref reader);
        }
        catch (JsonException ex)
        {
            throw Undecodable(ex);
        }
    }

    /// <summary>Refuses a body that is not UTF-8, as Python's decoder would.</summary>
    /// <param name="json">The body.</param>
    public static void RequireUtf8(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            throw new InvalidMessageException(MessageErrorKind.Undecodable, "The JSON body is not valid UTF-8.");
        }
    }

    /// <summary>Lets the reader look past the top-level value: anything but whitespace there is an error.</summary>
    /// <param name="reader">On the last token of the top-level value.</param>
    public static void RequireEnd(ref Utf8JsonReader reader)
    {
        // With the default options a second top-level value makes Read() throw rather than return it.
        reader.Read();
    }

    /// <summary>The error for a body System.Text.Json cannot read.</summary>
    /// <param name="exception">The reader's error, which says where the JSON goes wrong.</param>
    /// <returns>An <see cref="MessageErrorKind.Undecodable"/> error.</returns>
    public static InvalidMessageException Undecodable(JsonException exception) => new(
        MessageErrorKind.Undecodable,
        $"The JSON body is not valid JSON: {exception.Message}",
        exception);
}
