namespace LogPipe.Hosting.Consumers;

/// <summary>How <see cref="RetryBackoff"/> spreads the waits of clients that failed together.</summary>
internal enum BackoffJitter
{
    /// <summary>Within a fifth either way of the exponential backoff: waits keep growing visibly (the consumer's saves and units).</summary>
    Proportional,

    /// <summary>Uniformly between zero and the exponential backoff ("full jitter"): spreads out clients throttled together (the Kinesis client).</summary>
    Full,
}
