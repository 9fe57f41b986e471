using LogPipe.Hosting.Transport;

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

    /// <summary>
    /// Whether this unit of work keeps the identities of outbox records (<see cref="OutboxIdentity"/>) this consumer group
    /// applied, so that a copy the relay sent again is recognised and skipped: <see cref="FindAppliedAsync"/> and
    /// <see cref="RecordApplied"/> work. Default <see langword="false"/>: records are applied at least once.
    /// </summary>
    bool SupportsOutboxIdentities => false;

    /// <summary>
    /// Which of <paramref name="identities"/> this consumer group applied already (and still remembers: identities are kept
    /// at least for the deduplication window), read in this unit's transaction. Called once per unit, before its records are applied, only when
    /// <see cref="SupportsOutboxIdentities"/> is set.
    /// </summary>
    /// <param name="identities">The identities of the unit's records.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The identities found.</returns>
    Task<IReadOnlySet<OutboxIdentity>> FindAppliedAsync(IReadOnlyCollection<OutboxIdentity> identities, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not keep outbox identities ({nameof(SupportsOutboxIdentities)} is false).");

    /// <summary>
    /// Keeps <paramref name="identities"/> as applied by this consumer group: <see cref="CommitAsync"/> writes them in the
    /// same transaction as the unit's effects and checkpoints. Only called when <see cref="SupportsOutboxIdentities"/> is set.
    /// </summary>
    /// <param name="identities">The identities of the records this unit handled.</param>
    void RecordApplied(IReadOnlyCollection<OutboxIdentity> identities) =>
        throw new NotSupportedException($"{GetType().Name} does not keep outbox identities ({nameof(SupportsOutboxIdentities)} is false).");

    /// <summary>
    /// Runs <paramref name="body"/>, everything done in this unit's transaction (reading outbox identities, applying the
    /// records, starting the commit), in the context the store's transaction needs. The EF Core store runs it inside the
    /// DbContext's execution strategy, which refuses transactions begun outside it when it retries on failure
    /// (<c>EnableRetryOnFailure()</c>). A failure of <paramref name="body"/> is never retried here: it reaches the caller,
    /// which gives the unit back and applies it again from its records. Called once per unit, right after it begins.
    /// Default: runs <paramref name="body"/> as it is.
    /// </summary>
    /// <param name="body">The unit's work in its transaction.</param>
    /// <param name="cancellationToken">Cancels beginning the transaction; passed on to <paramref name="body"/>.</param>
    /// <returns>The task of <paramref name="body"/>.</returns>
    Task RunAsync(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body(cancellationToken);
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
