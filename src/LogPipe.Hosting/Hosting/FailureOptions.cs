using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Hosting;

/// <summary>Retries and the policy for records whose save keeps failing.</summary>
public sealed class FailureOptions
{
    /// <summary>Attempts at saving one record before <see cref="Policy"/> applies. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry, in milliseconds; doubles on every further attempt. Default 200.</summary>
    public int InitialBackoffMs { get; set; } = 200;

    /// <summary>Longest wait between retries, in milliseconds. Default 30000.</summary>
    public int MaxBackoffMs { get; set; } = 30_000;

    /// <summary>What to do once the attempts are used up. Default <see cref="SaveFailurePolicy.DeadLetter"/>.</summary>
    public SaveFailurePolicy Policy { get; set; } = SaveFailurePolicy.DeadLetter;

    /// <summary>
    /// When <see langword="true"/>, message errors (bad bytes, unknown type or version, validation failures) are thrown to
    /// the caller instead of being logged and skipped — django-logpipe's <c>throw_errors=True</c>. The record's unit of
    /// work is rolled back and its checkpoint does not move. Default <see langword="false"/>.
    /// </summary>
    public bool ThrowErrors { get; set; }
}
