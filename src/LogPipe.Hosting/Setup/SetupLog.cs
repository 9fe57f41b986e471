using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting;

/// <summary>Log events of LogPipe's startup checks. Event ids are stable: dashboards and alerts may key on them.</summary>
internal static partial class SetupLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "LogPipe runs on the in-memory transport in the {Environment} environment: records stay in this process. Call UseKafka() or UseKinesis() in AddLogPipe, or UseInMemoryTransport() to choose it on purpose; outside Development this is a startup error")]
    public static partial void InMemoryTransport(ILogger logger, string environment);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "LogPipe keeps checkpoints in process memory in the {Environment} environment: a restart reads from the start again. Call UseEntityFrameworkOffsets<TDbContext>() or UseKafkaOffsets() in AddLogPipe, or UseInMemoryOffsets() to choose it on purpose; outside Development this is a startup error")]
    public static partial void InMemoryCheckpoints(ILogger logger, string environment);

    [LoggerMessage(EventId = 9070, Level = LogLevel.Information, Message = "LogPipe wrote the message contracts to {Path}; the process ends without starting the application")]
    public static partial void ContractsExported(ILogger logger, string path);

    [LoggerMessage(EventId = 9071, Level = LogLevel.Error, Message = "LogPipe could not write the message contracts to {Path}")]
    public static partial void ContractsExportFailed(ILogger logger, string path, Exception exception);
}
