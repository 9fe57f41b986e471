using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>A consumer group's stored checkpoints, read and moved through the library's <see cref="CheckpointEditor{TDbContext}"/>.</summary>
internal abstract class CheckpointRows
{
    /// <summary>The group's checkpoints, by transport, stream and partition.</summary>
    public abstract Task<IReadOnlyList<LogPipeCheckpoint>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Moves one checkpoint from wherever it is now (read just before the write, which is conditional on it).</summary>
    public abstract Task<LogPipeCheckpoint> SetAsync(PartitionKey partition, Checkpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Moves one checkpoint if it is still at <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="Checkpoints.CheckpointConflictException">It is not; nothing was written.</exception>
    public abstract Task<LogPipeCheckpoint> SetAsync(PartitionKey partition, Checkpoint checkpoint, long expectedVersion, CancellationToken cancellationToken);
}
