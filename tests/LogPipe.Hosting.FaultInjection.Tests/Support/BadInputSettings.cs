using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The consumer settings of the bad-input scenarios: lowered limits, so that breaching them takes only small records,
/// and three quick attempts before a failing save is dead-lettered.
/// </summary>
internal static class BadInputSettings
{
    public static Dictionary<string, string?> For(EnvelopeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new Dictionary<string, string?>
        {
            ["LogPipe:Limits:MaxRecordBytes"] = $"{limits.MaxRecordBytes}",
            ["LogPipe:Limits:MaxStringLength"] = $"{limits.MaxStringLength}",
            ["LogPipe:Limits:MaxDepth"] = $"{limits.MaxDepth}",
            ["LogPipe:Failures:MaxAttempts"] = "3",
            ["LogPipe:Failures:InitialBackoffMs"] = "10",
        };
    }
}
