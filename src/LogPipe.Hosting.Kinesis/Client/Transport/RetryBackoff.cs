namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Exponential backoff with full jitter: before retry <c>n</c> (1-based), wait a uniformly random time
/// in <c>[0, min(max, base * 2^(n-1))]</c>. Full jitter spreads out clients that were throttled together.
/// </summary>
internal sealed class RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    public TimeSpan Before(int retry)
    {
        var exponent = Math.Clamp(retry - 1, 0, 30);
        var ceiling = Math.Min(maxDelay.Ticks, baseDelay.Ticks * (1L << exponent));
        if (ceiling <= 0)
        {
            return TimeSpan.Zero;
        }

#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        return TimeSpan.FromTicks(Random.Shared.NextInt64(ceiling + 1));
#pragma warning restore CA5394
    }
}
