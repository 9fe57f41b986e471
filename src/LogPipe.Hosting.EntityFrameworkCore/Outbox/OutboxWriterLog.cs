using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Log events of the outbox's writer side (event ids 8010–8019). Stable: alerts may key on them.</summary>
internal static partial class OutboxWriterLog
{
    [LoggerMessage(EventId = 8010, EventName = "OutboxWriteGateTimedOut", Level = LogLevel.Warning,
        Message = "An outbox write waited {TimeoutMs} ms for this process's SQLite write gate and goes on without it (SQLite's busy timeout still applies): " +
                  "a write transaction of this process held the gate that long, or a transaction of this process holds the database while another saves")]
    internal static partial void WriteGateTimedOut(ILogger logger, long timeoutMs);
}
