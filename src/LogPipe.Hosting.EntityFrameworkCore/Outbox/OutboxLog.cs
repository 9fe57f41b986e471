using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Log events of the outbox relay (event ids 5000–5049). Stable: alerts may key on them.</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 5000, EventName = "OutboxLeaseTaken", Level = LogLevel.Information,
        Message = "Outbox relay {Owner} took the lease of outbox source {SourceId} and relays its entries")]
    internal static partial void LeaseTaken(ILogger logger, string owner, string sourceId);

    [LoggerMessage(EventId = 5001, EventName = "OutboxLeaseLost", Level = LogLevel.Warning,
        Message = "Outbox relay {Owner} lost the lease (another instance took it after it expired); it stops relaying until it can take it again")]
    internal static partial void LeaseLost(ILogger logger, string owner);

    [LoggerMessage(EventId = 5002, EventName = "OutboxBatchRelayed", Level = LogLevel.Debug,
        Message = "Relayed {Count} outbox entries up to id {LastId}")]
    internal static partial void BatchRelayed(ILogger logger, int count, long lastId);

    [LoggerMessage(EventId = 5003, EventName = "OutboxSendFailed", Level = LogLevel.Warning,
        Message = "Sending {Failed} of {Count} outbox entries failed ({ErrorCode}); the relay tries again in {BackoffMs} ms. Writers are not affected")]
    internal static partial void SendFailed(ILogger logger, Exception exception, int failed, int count, string errorCode, long backoffMs);

    [LoggerMessage(EventId = 5004, EventName = "OutboxEntrySetAside", Level = LogLevel.Error,
        Message = "Outbox entry {Id} for {Topic} (key {Key}, {MessageType} v{Version}) was refused for good and is set aside, not sent: {Reason}. " +
                  "Later entries of the same key are sent after it; see logpipe outbox list --set-aside")]
    internal static partial void SetAside(ILogger logger, long id, string topic, string? key, string messageType, int version, string reason);

    [LoggerMessage(EventId = 5005, EventName = "OutboxRelayFailed", Level = LogLevel.Warning,
        Message = "The outbox relay failed (database unreachable, or the LogPipeOutbox tables are missing: add a migration); it tries again in {BackoffMs} ms")]
    internal static partial void RelayFailed(ILogger logger, Exception exception, long backoffMs);

    [LoggerMessage(EventId = 5006, EventName = "OutboxRelayStopped", Level = LogLevel.Information,
        Message = "Outbox relay {Owner} stopped and released its lease")]
    internal static partial void Stopped(ILogger logger, string owner);

    [LoggerMessage(EventId = 5007, EventName = "OutboxBacklogDrained", Level = LogLevel.Information,
        Message = "The outbox relay caught up after {Failures} failed tries: the backlog is sent")]
    internal static partial void Recovered(ILogger logger, int failures);
}
