using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard.Actions;

/// <summary>The offsets and outbox pages' log events (ids 9110–9119).</summary>
internal static partial class OffsetLog
{
    [LoggerMessage(EventId = 9110, Level = LogLevel.Warning, Message = "Dashboard offset move of {Topic} partition {Partition} by {User} refused ({Failure}): {Reason}")]
    public static partial void OffsetMoveRefused(ILogger logger, string topic, string partition, string user, string failure, string reason);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Warning, Message = "The dashboard could not read the checkpoints of consumer group {ConsumerGroup}")]
    public static partial void CheckpointsUnreadable(ILogger logger, Exception exception, string consumerGroup);

    [LoggerMessage(EventId = 9112, Level = LogLevel.Warning, Message = "The dashboard could not read the outbox")]
    public static partial void OutboxUnreadable(ILogger logger, Exception exception);
}
