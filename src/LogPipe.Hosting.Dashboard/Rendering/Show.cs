using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogPipe.Hosting.Dashboard.Rendering;

/// <summary>How the pages write times, numbers and states: the same way on every page.</summary>
internal static class Show
{
    public const string None = "—";

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : None;

    public static string Ago(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t) return None;
        var span = now - t;
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalSeconds < 90 ? $"{span.TotalSeconds:F0} s ago"
            : span.TotalMinutes < 90 ? $"{span.TotalMinutes:F0} min ago"
            : span.TotalHours < 36 ? $"{span.TotalHours:F1} h ago"
            : $"{span.TotalDays:F1} days ago";
    }

    public static string Number(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : None;

    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.0" : "N0", CultureInfo.InvariantCulture);

    /// <summary>The CSS class of a state: <c>ok</c>, <c>warn</c> or <c>bad</c>.</summary>
    public static string Class(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "warn",
        _ => "bad",
    };

    public static string Class(LogPipe.Hosting.Consumers.ConsumerRunnerState state) => state switch
    {
        LogPipe.Hosting.Consumers.ConsumerRunnerState.Running => "ok",
        LogPipe.Hosting.Consumers.ConsumerRunnerState.NotStarted => "warn",
        _ => "bad",
    };
}
