using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>The consumer's log events about outbox record identities. Event ids are stable (5050–5099).</summary>
internal static partial class OutboxCopyLog
{
    [LoggerMessage(EventId = 5050, Level = LogLevel.Information, Message = "Skipped a copy of outbox record {OutboxIdentity} at {Topic}[{Partition}]@{Offset} (type {MessageType}, version {Version}): this consumer group applied it already")]
    public static partial void CopySkipped(ILogger logger, string outboxIdentity, string topic, string partition, long offset, string? messageType, int? version);

    [LoggerMessage(EventId = 5051, Level = LogLevel.Warning, Message = "Record at {Topic}[{Partition}]@{Offset} (type {MessageType}, version {Version}) has malformed outbox identity headers ({Problem}); applied without recognising copies")]
    public static partial void MalformedIdentity(ILogger logger, string topic, string partition, long offset, string? messageType, int? version, string problem);
}
