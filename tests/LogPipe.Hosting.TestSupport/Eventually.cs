using Xunit;
namespace LogPipe.Hosting.TestSupport;

/// <summary>Waits for a condition instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string? because = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Condition not met within {timeout}{(because is null ? "" : ": " + because)}.");
            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Like the others, with a failure message built when it fails (for output gathered while waiting).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> explain)
    {
        ArgumentNullException.ThrowIfNull(explain);
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Condition not met within {timeout}: {explain()}");
            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string? because = null) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, because);
}
