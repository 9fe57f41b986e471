using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard;

/// <summary>The dashboard's log events (ids 9090–9119).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 9090, Level = LogLevel.Warning, Message = "The LogPipe dashboard at {Path} has no authorization policy: it answers only local (loopback) requests and refuses others with 403. Call RequireAuthorization(...) on MapLogPipeDashboard to open it to others")]
    public static partial void LocalRequestsOnly(ILogger logger, string path);

    [LoggerMessage(EventId = 9091, Level = LogLevel.Information, Message = "The LogPipe dashboard at {Path} answers requests that pass its authorization policy ({Policy})")]
    public static partial void AuthorizationRequired(ILogger logger, string path, string policy);

    [LoggerMessage(EventId = 9092, Level = LogLevel.Information, Message = "The LogPipe dashboard at {Path} is read-only (LogPipe:Dashboard:ReadOnly): its actions are hidden and refused")]
    public static partial void ReadOnly(ILogger logger, string path);

    [LoggerMessage(EventId = 9093, Level = LogLevel.Warning, Message = "Refused a request for {Path} from {RemoteAddress}: the LogPipe dashboard has no authorization policy, so it answers only local requests")]
    public static partial void RemoteRequestRefused(ILogger logger, string path, string remoteAddress);

    [LoggerMessage(EventId = 9094, Level = LogLevel.Warning, Message = "Refused the dashboard action {Action}: the dashboard is read-only (LogPipe:Dashboard:ReadOnly)")]
    public static partial void ActionRefusedReadOnly(ILogger logger, string action);

    [LoggerMessage(EventId = 9095, Level = LogLevel.Warning, Message = "Refused the dashboard action {Action}: its antiforgery token is missing or invalid")]
    public static partial void ActionRefusedAntiforgery(ILogger logger, Exception exception, string action);

    [LoggerMessage(EventId = 9096, Level = LogLevel.Information, Message = "Dashboard action {Action} run by {User} from {RemoteAddress}: {Result}")]
    public static partial void ActionRun(ILogger logger, string action, string user, string remoteAddress, string result);

    [LoggerMessage(EventId = 9097, Level = LogLevel.Warning, Message = "The dashboard could not read the shard leases of {Stream}")]
    public static partial void LeasesUnreadable(ILogger logger, Exception exception, string stream);

    [LoggerMessage(EventId = 9098, Level = LogLevel.Warning, Message = "The dashboard could not run the health checks")]
    public static partial void HealthUnreadable(ILogger logger, Exception exception);
}
