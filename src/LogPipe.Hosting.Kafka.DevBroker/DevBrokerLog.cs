using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.DevBroker;

/// <summary>Log events of the standalone development broker (event ids 7150–7199).</summary>
internal static partial class DevBrokerLog
{
    [LoggerMessage(EventId = 7150, EventName = "DevBrokerReady", Level = LogLevel.Warning,
        Message = "Development Kafka broker ready on {BootstrapServers}: in memory, limited retention, not for production. " +
                  "Stop it with Ctrl+C or SIGTERM (stops on end of standard input: {WatchStandardInput}).")]
    internal static partial void Ready(ILogger logger, string bootstrapServers, bool watchStandardInput);

    [LoggerMessage(EventId = 7151, EventName = "DevBrokerStandardInputClosed", Level = LogLevel.Information,
        Message = "Standard input closed; stopping the development Kafka broker")]
    internal static partial void StandardInputClosed(ILogger logger);
}
