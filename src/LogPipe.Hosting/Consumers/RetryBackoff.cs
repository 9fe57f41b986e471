using LogPipe.Hosting.Hosting;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The consumer's one backoff: exponential from <see cref="FailureOptions.InitialBackoffMs"/> up to
/// <see cref="FailureOptions.MaxBackoffMs"/>, with jitter. Used for a record's failed save, an abandoned unit of work, a
/// start that failed and a rewind that failed.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>Callers count failures in a row up to this; beyond it the backoff is at its cap anyway.</summary>
    public const int MaxStreak = 30;

    /// <summary>How long to wait before try <paramref name="tries"/> + 1 (1-based: the first failure waits the initial backoff).</summary>
    public static TimeSpan Before(FailureOptions failures, int tries)
    {
        var exponent = Math.Clamp(tries - 1, 0, 20);
        var ms = Math.Min((double)failures.MaxBackoffMs, failures.InitialBackoffMs * Math.Pow(2, exponent));
        // Jitter keeps several instances retrying against one database from moving in lockstep.
        ms *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(ms);
    }
}
