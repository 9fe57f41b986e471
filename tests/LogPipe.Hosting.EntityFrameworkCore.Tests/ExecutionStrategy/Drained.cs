using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>Drains a test app's consumers, and when they do not catch up says why (the last warning they logged).</summary>
internal static class Drained
{
    public static async Task WithinAsync(TestApp app, TimeSpan bound)
    {
        try
        {
            await app.Runner.DrainAsync().WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            var last = app.Logs.Entries.LastOrDefault(e => e.Level >= LogLevel.Warning);
            throw new TimeoutException($"The consumers did not catch up within {bound}; last warning: {(last is null ? "none" : $"{last.Message} {last.Exception}")}");
        }
    }
}
