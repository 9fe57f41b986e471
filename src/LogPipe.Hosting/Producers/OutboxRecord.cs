using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Producers;

/// <summary>An encoded record on its way into the outbox: what to send, and the envelope's type and version for operators.</summary>
/// <param name="Record">The record as the relay will send it.</param>
/// <param name="MessageType">The envelope's message type.</param>
/// <param name="Version">The envelope's message version.</param>
internal sealed record OutboxRecord(OutgoingRecord Record, string MessageType, int Version)
{
    /// <summary>What the producer tells its caller.</summary>
    public OutboxEntry ToEntry() => new(Record.Stream, Record.Key, MessageType, Version, Record.Value.Length);
}
