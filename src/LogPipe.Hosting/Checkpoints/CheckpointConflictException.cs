namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// A checkpoint write was refused because the stored checkpoint is not the one this process last saw: another instance
/// owns the partition now, or moved it on. The unit of work is rolled back; nothing it did is kept.
/// </summary>
/// <remarks>Extension point for transport authors: thrown by an <see cref="ICheckpointStore"/> whose checkpoint was
/// moved by someone else. See docs/extending.md.</remarks>
public sealed class CheckpointConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="partitions">The partitions whose checkpoint had moved.</param>
    public CheckpointConflictException(IReadOnlyList<PartitionKey> partitions)
        : base($"Checkpoint of {string.Join(", ", partitions)} was moved by another consumer instance; the unit of work was rolled back.")
        => Partitions = partitions;

    /// <summary>Creates the exception.</summary>
    public CheckpointConflictException() : this([]) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public CheckpointConflictException(string message) : base(message) => Partitions = [];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CheckpointConflictException(string message, Exception innerException) : base(message, innerException) => Partitions = [];

    /// <summary>The partitions whose checkpoint had moved.</summary>
    public IReadOnlyList<PartitionKey> Partitions { get; }
}
