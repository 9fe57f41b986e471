namespace LogPipe.Hosting.Consumers;

/// <summary>
/// A record's apply ran past <c>LogPipe:Failures:SaveTimeout</c>. It counts as a failed attempt (never as a transient
/// failure): the record is retried with backoff and then handled by the failure policy.
/// </summary>
public sealed class SaveTimeoutException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="timeout">The bound that ran out.</param>
    /// <param name="abandoned">Whether the save ignored its cancellation and was left running.</param>
    /// <param name="innerException">What the save threw when it was cancelled, if it returned.</param>
    public SaveTimeoutException(TimeSpan timeout, bool abandoned, Exception? innerException = null)
        : base(abandoned
            ? $"Saving the record took longer than {timeout.TotalMilliseconds:F0} ms (LogPipe:Failures:SaveTimeout) and ignored its cancellation; it was abandoned."
            : $"Saving the record took longer than {timeout.TotalMilliseconds:F0} ms (LogPipe:Failures:SaveTimeout) and was cancelled.", innerException)
    {
        Timeout = timeout;
        Abandoned = abandoned;
    }

    /// <summary>Creates the exception.</summary>
    public SaveTimeoutException() : base("Saving the record took longer than LogPipe:Failures:SaveTimeout.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SaveTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SaveTimeoutException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The bound that ran out.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Whether the save ignored its cancellation and was still running when the consumer stopped waiting for it; its unit of
    /// work is rolled back and its scope disposed once the save returns.
    /// </summary>
    public bool Abandoned { get; }

    /// <summary>The abandoned save, still running: its unit of work must not be rolled back before it ends.</summary>
    internal Task? StillRunning { get; init; }
}
