using System.Globalization;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>How a worker stopped after SIGTERM: exit code, time from the signal to the exit, and what it reported.</summary>
/// <param name="ExitCode">0 for a clean stop; 3 when a service's loop was still running as the host gave up on it.</param>
/// <param name="Elapsed">From SIGTERM to the process's exit.</param>
/// <param name="LastLine">The worker's <c>stopped …</c> line.</param>
/// <param name="StandardError">The worker's last log lines, for failure messages.</param>
public sealed record WorkerStop(int ExitCode, TimeSpan Elapsed, string LastLine, string StandardError)
{
    /// <summary>The serialization failures (SQLSTATE 40001) the worker's database answered, from its <c>stopped</c> line.</summary>
    public int SerializationFailures => Field("serialization-failures=") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

    /// <summary>The deadlocks (SQLSTATE 40P01) the worker's database answered, from its <c>stopped</c> line.</summary>
    public int Deadlocks => Field("deadlocks=") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// Asserts a clean stop within <paramref name="shutdownTimeout"/>: exit code 0, every hosted service's loop finished,
    /// and the exit before the host's timeout ran out.
    /// </summary>
    public void AssertCleanWithin(TimeSpan shutdownTimeout)
    {
        Assert.True(
            ExitCode == 0 && Field("still-running=") == "none" && Elapsed < shutdownTimeout,
            $"The worker did not stop cleanly within its shutdown timeout of {shutdownTimeout.TotalSeconds:F0} s: exit code {ExitCode} "
            + $"after {Elapsed.TotalSeconds:F1} s, last line '{LastLine}' (exit code 3 = a loop still running when the host gave up). stderr:\n{StandardError}");
    }

    private string? Field(string name)
    {
        var at = LastLine.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) return null;
        var value = LastLine[(at + name.Length)..];
        var end = value.IndexOf(' ', StringComparison.Ordinal);
        return end < 0 ? value : value[..end];
    }
}
