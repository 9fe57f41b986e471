using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kafka;

/// <summary>Records read ahead by <see cref="KafkaRecordSource"/>'s thread: the first <paramref name="Count"/> of <paramref name="Records"/>.</summary>
/// <param name="Records">A pooled array; the source takes it back once its records were taken.</param>
/// <param name="Count">How many records it holds.</param>
internal readonly record struct ReadChunk(IncomingRecord[] Records, int Count);
