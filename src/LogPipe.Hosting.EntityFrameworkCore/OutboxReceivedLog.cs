using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Log events of the received-outbox-record table (event ids 5052–5059). Stable: alerts may key on them.</summary>
internal static partial class OutboxReceivedLog
{
    [LoggerMessage(EventId = 5052, Level = LogLevel.Debug, Message = "Deleted {Count} outbox identities of consumer group {ConsumerGroup} applied before {Cutoff:O} (older than the deduplication window)")]
    public static partial void Pruned(ILogger logger, int count, string consumerGroup, DateTime cutoff);

    [LoggerMessage(EventId = 5053, Level = LogLevel.Warning, Message = "Deleting outbox identities of consumer group {ConsumerGroup} older than the deduplication window failed; retrying after the next unit of work")]
    public static partial void PruneFailed(ILogger logger, Exception exception, string consumerGroup);
}
