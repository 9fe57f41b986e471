using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// The client's log messages (event ids 3000-3099). Requests, headers and credentials are never
/// logged: only the operation, the outcome and timings.
/// </summary>
internal static partial class KinesisClientLog
{
    public static void Completed(ILogger logger, string operation, int statusCode, TimeSpan elapsed, int attempt)
    {
        if (logger.IsEnabled(LogLevel.Trace))
        {
            LogCompleted(logger, operation, statusCode, elapsed.TotalMilliseconds, attempt);
        }
    }

    public static void Retrying(ILogger logger, string operation, int attempt, int maxAttempts, KinesisException failure, TimeSpan delay)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            var reason = Reason(failure);
            LogRetrying(logger, operation, attempt, maxAttempts, reason, delay.TotalMilliseconds);
        }
    }

    public static void Failed(ILogger logger, string operation, int attempts, KinesisException failure)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var reason = Reason(failure);
            LogFailed(logger, operation, reason, (int?)failure.StatusCode, attempts, failure.RequestId);
        }
    }

    public static void Configured(ILogger logger, Uri endpoint, string region, Func<string> credentialSource)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var source = credentialSource();
            LogConfigured(logger, endpoint, region, source);
        }
    }

    // The error code when the service answered; otherwise what kept the answer away (a timeout, a refused connection).
    private static string Reason(KinesisException failure) =>
        failure.ErrorCode ?? failure.InnerException?.GetType().Name ?? "no answer";

    [LoggerMessage(EventId = 3000, Level = LogLevel.Trace, Message = "Kinesis {Operation} answered HTTP {StatusCode} in {ElapsedMs:0.0} ms (attempt {Attempt})")]
    private static partial void LogCompleted(ILogger logger, string operation, int statusCode, double elapsedMs, int attempt);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Kinesis {Operation} attempt {Attempt} of {MaxAttempts} failed with {ErrorCode}; retrying in {DelayMs:0} ms")]
    private static partial void LogRetrying(ILogger logger, string operation, int attempt, int maxAttempts, string errorCode, double delayMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Kinesis {Operation} failed with {ErrorCode} (HTTP {StatusCode}) after {Attempts} attempt(s), request id {RequestId}")]
    private static partial void LogFailed(ILogger logger, string operation, string errorCode, int? statusCode, int attempts, string? requestId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Kinesis client uses endpoint {Endpoint}, signing region {Region}, credentials from {CredentialSource}")]
    private static partial void LogConfigured(ILogger logger, Uri endpoint, string region, string credentialSource);
}
