namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// One transaction holding the effects of several records, the dead letters they produced, and the checkpoints that move
/// past them. Each record runs inside its own savepoint so a failing record can be undone without losing the others.
/// </summary>
/// <remarks>Extension point for transport authors: returned by an <see cref="ICheckpointStore"/>. See
/// docs/extending.md.</remarks>
public interface IUnitOfWork : IAsyncDisposable
{
    /// <summary>
    /// Whether this unit of work can apply records in batch mode: no savepoints, changes kept in the change tracker and
    /// flushed once by <see cref="CommitAsync"/>. Default <see langword="false"/>.
    /// </summary>
    bool SupportsBatchedSaves => false;

    /// <summary>
    /// Switches to batch mode (see <see cref="SupportsBatchedSaves"/>): <see cref="BeginRecordAsync"/>,
    /// <see cref="CompleteRecordAsync"/> and <see cref="AbortRecordAsync"/> are not called, dead letters are not flushed at
    /// once, and <see cref="CommitAsync"/> saves everything before writing checkpoints.
    /// </summary>
    void BeginBatch()
    {
    }

    /// <summary>Marks the start of one record's effects (a savepoint).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task BeginRecordAsync(CancellationToken cancellationToken);

    /// <summary>Flushes one record's effects into the transaction (for EF Core: <c>SaveChangesAsync</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task CompleteRecordAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Undoes one record's effects back to its savepoint. Throws when the transaction itself is lost (connection gone), in
    /// which case the whole unit must be abandoned.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task AbortRecordAsync(CancellationToken cancellationToken);

    /// <summary>Keeps a record that cannot be applied, in the same transaction as the checkpoint that moves past it.</summary>
    /// <param name="deadLetter">The record and why it failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the checkpoints and commits. Each write is conditional on the checkpoint last read or written by this
    /// process; if another instance moved a partition on, throws <see cref="CheckpointConflictException"/> and nothing is committed.
    /// </summary>
    /// <param name="updates">The checkpoints to write.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken);
}
