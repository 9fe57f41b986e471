namespace LogPipe.Hosting.Formats;

/// <summary>
/// A decoded django-logpipe envelope: the message type, its version, the message body and the optional producer id.
/// </summary>
/// <param name="Format">The format code the record carried (<c>json</c> or <c>msgpack</c>).</param>
/// <param name="Type">The message type, as the sender's serializer declares it.</param>
/// <param name="Version">The message version.</param>
/// <param name="MessageJson">
/// The <c>message</c> object as compact UTF-8 JSON, whatever the wire format was, so one deserializer serves both formats.
/// </param>
/// <param name="Producer">The producer id the sender wrote into the envelope, if any.</param>
internal readonly record struct Envelope(string Format, string Type, int Version, ReadOnlyMemory<byte> MessageJson, string? Producer);
