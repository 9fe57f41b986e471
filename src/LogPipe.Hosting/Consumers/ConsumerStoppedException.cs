namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The consumer service stopped because a record's save kept failing under <see cref="SaveFailurePolicy.Stop"/>.
/// Its checkpoint did not move: the record is applied again after a restart.
/// </summary>
public sealed class ConsumerStoppedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="partition">The partition of the failing record.</param>
    /// <param name="offset">Its offset.</param>
    /// <param name="attempts">How many times saving it was attempted.</param>
    /// <param name="innerException">The last save failure.</param>
    public ConsumerStoppedException(PartitionKey partition, long offset, int attempts, Exception innerException)
        : base($"Saving the record at {partition}@{offset} failed {attempts} times; the consumer stopped by policy. Last error: {innerException?.Message}", innerException)
    {
        Partition = partition;
        Offset = offset;
        Attempts = attempts;
    }

    /// <summary>Creates the exception.</summary>
    public ConsumerStoppedException() : base("The consumer stopped by policy.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ConsumerStoppedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConsumerStoppedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The partition of the failing record.</summary>
    public PartitionKey Partition { get; }

    /// <summary>The offset of the failing record.</summary>
    public long Offset { get; }

    /// <summary>How many times saving it was attempted.</summary>
    public int Attempts { get; }
}
