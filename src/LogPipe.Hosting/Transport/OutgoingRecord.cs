namespace LogPipe.Hosting.Transport;

/// <summary>A record ready to send: the encoded envelope plus its routing key.</summary>
/// <param name="Stream">The Kafka topic or Kinesis stream.</param>
/// <param name="Key">
/// The record key (the serializer's key field value) or <see langword="null"/> when the serializer has none.
/// Kafka uses it as the message key; Kinesis as the partition key.
/// </param>
/// <param name="Value">The encoded envelope, <c>json:</c> or <c>msgpack:</c> prefixed.</param>
/// <param name="Headers">Transport headers (Kafka record headers); never part of the envelope.</param>
/// <remarks>Extension point for transport authors: what an <see cref="IRecordSender"/> is given to send. See
/// docs/extending.md.</remarks>
public sealed record OutgoingRecord(string Stream, string? Key, ReadOnlyMemory<byte> Value, IReadOnlyList<KeyValuePair<string, byte[]>>? Headers = null);
