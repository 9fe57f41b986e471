using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Exponential backoff with full jitter: before retry <c>n</c> (1-based), wait a uniformly random time
/// in <c>[0, min(max, base * 2^(n-1))]</c>. Full jitter spreads out clients that were throttled together.
/// The computation is the consumer's (<see cref="Consumers.RetryBackoff"/>), with this client's delays and jitter.
/// </summary>
internal sealed class RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    public TimeSpan Before(int retry) => Consumers.RetryBackoff.Exponential(baseDelay, maxDelay, retry, BackoffJitter.Full);
}
