// The outbox is used next to IProducer in application code: its types live at the root namespace.
#pragma warning disable IDE0130
namespace LogPipe.Hosting;
#pragma warning restore IDE0130

/// <summary>
/// A record added to the transactional outbox, not sent yet: it reaches the log after the database transaction commits,
/// so it has no partition or offset.
/// </summary>
/// <param name="Topic">The Kafka topic or Kinesis stream it will be sent to.</param>
/// <param name="Key">The record key, or <see langword="null"/> when the serializer has no key field.</param>
/// <param name="MessageType">The envelope's message type.</param>
/// <param name="Version">The envelope's message version.</param>
/// <param name="EncodedSize">The size of the encoded envelope in bytes.</param>
public sealed record OutboxEntry(string Topic, string? Key, string MessageType, int Version, int EncodedSize);
