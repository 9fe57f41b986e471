namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// A unit of work without a database transaction: serializers' effects are their own, dead letters are buffered, and
/// commit hands checkpoints and dead letters to the store in one call. For stores that keep positions outside the
/// application's database (process memory, Kafka group commits).
/// </summary>
/// <remarks>Extension point for transport authors: a ready unit of work for <see cref="ICheckpointStore"/>
/// implementations without a database transaction. See docs/extending.md.</remarks>
public sealed class BufferedUnitOfWork : IUnitOfWork
{
    private readonly Action<IReadOnlyList<CheckpointUpdate>, IReadOnlyList<DeadLetter>> _commit;
    private readonly List<DeadLetter> _deadLetters = [];

    /// <summary>Creates the unit of work.</summary>
    /// <param name="commit">Stores the checkpoints and dead letters; throws <see cref="CheckpointConflictException"/> when fenced.</param>
    public BufferedUnitOfWork(Action<IReadOnlyList<CheckpointUpdate>, IReadOnlyList<DeadLetter>> commit) => _commit = commit;

    /// <inheritdoc />
    public bool SupportsBatchedSaves => true;

    /// <inheritdoc />
    public Task BeginRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task CompleteRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task AbortRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        _deadLetters.Add(deadLetter);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
    {
        _commit(updates, _deadLetters);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
