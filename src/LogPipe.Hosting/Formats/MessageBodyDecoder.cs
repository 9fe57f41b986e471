using System.Text.Json;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Turns a message object into its class straight from the reader that is reading its envelope, for
/// <see cref="JsonEnvelopeParser.TryParseDecoding"/>: the message's bytes are then tokenized once.
/// </summary>
internal abstract class MessageBodyDecoder
{
    /// <summary>Reads the message object the reader is on (its start) to its end; throws whatever the deserializer throws.</summary>
    /// <param name="reader">On the message's <see cref="JsonTokenType.StartObject"/>; afterwards on its <see cref="JsonTokenType.EndObject"/>.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    public abstract object? Decode(ref Utf8JsonReader reader);
}
