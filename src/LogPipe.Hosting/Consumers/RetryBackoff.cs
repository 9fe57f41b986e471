
namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The one exponential backoff with jitter: doubling from an initial wait up to a maximum. The consumer uses it for a
/// record's failed save, an abandoned unit of work, a start that failed and a rewind that failed; the Kinesis client for
/// its retries and its readers' and sender's pauses.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>Callers count failures in a row up to this; beyond it the backoff is at its cap anyway.</summary>
    public const int MaxStreak = 30;

    /// <summary>
    /// The consumer's backoff before try <paramref name="tries"/> + 1 (1-based: the first failure waits
    /// <see cref="FailureOptions.InitialBackoff"/>), up to <see cref="FailureOptions.MaxBackoff"/>.
    /// </summary>
    public static TimeSpan Before(FailureOptions failures, int tries) => Exponential(
        failures.InitialBackoff,
        failures.MaxBackoff,
        tries,
        // Jitter keeps several instances retrying against one database from moving in lockstep.
        BackoffJitter.Proportional);

    /// <summary>The wait before retry <paramref name="tries"/> (1-based): <c>min(max, initial * 2^(tries-1))</c>, jittered.</summary>
    public static TimeSpan Exponential(TimeSpan initial, TimeSpan max, int tries, BackoffJitter jitter)
    {
        var exponent = Math.Clamp(tries - 1, 0, MaxStreak);
        // Doubled in floating point: a long initial wait doubled thirty times would overflow in ticks.
        var ceiling = (long)Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, exponent));
        if (ceiling <= 0) return TimeSpan.Zero;
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        return jitter == BackoffJitter.Full
            ? TimeSpan.FromTicks(Random.Shared.NextInt64(ceiling + 1))
            : TimeSpan.FromTicks((long)(ceiling * (0.8 + (Random.Shared.NextDouble() * 0.4))));
#pragma warning restore CA5394
    }
}
