using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Keeps consumer positions in Kafka itself, as consumer-group commits after each unit of work (django-logpipe's
/// <c>KafkaOffsetStore</c>). Effects are at-least-once: a record applied just before a crash is applied again after the
/// restart. Serializers' changes are committed per unit in the application's transaction when one is configured
/// (<c>UseEntityFrameworkTransactions&lt;TDbContext&gt;()</c>, which also keeps dead letters in its table); without one,
/// serializers persist their own changes and dead letters are kept in memory only. Prefer <c>UseEntityFrameworkOffsets</c>
/// for exactly-once effects.
/// </summary>
internal sealed class KafkaGroupCheckpointStore : ICheckpointStore
{
    private readonly RecentDeadLetters _deadLetters;
    private readonly ITransactionFactory? _transactions;

    /// <summary>Creates the store.</summary>
    /// <param name="transactions">The application's data transaction, if configured.</param>
    /// <param name="deadLetters">Where dead letters are kept without a transaction: the most recent within <c>LogPipe:DeadLetters</c>' bounds.</param>
    public KafkaGroupCheckpointStore(ITransactionFactory? transactions = null, RecentDeadLetters? deadLetters = null)
    {
        _transactions = transactions;
        _deadLetters = deadLetters ?? new RecentDeadLetters();
    }

    /// <summary>The most recent dead letters kept by this process (see <c>LogPipe:DeadLetters:MaxKeptInMemory</c>).</summary>
    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters.Snapshot();

    /// <summary>Always: the positions are the group's committed offsets, which the Kafka source starts from and commits to.</summary>
    public bool KeepsPositionsInTransport => true;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<PartitionKey, Checkpoint>>(new Dictionary<PartitionKey, Checkpoint>());

    /// <inheritdoc />
    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        _transactions is not null ? BeginDataTransactionAsync(services, cancellationToken) : Task.FromResult<IUnitOfWork>(new BufferedUnitOfWork(KeepDeadLetters));

    // The group commit itself happens in the source once the unit commits (KafkaRecordSource.OnCommittedAsync).
    private void KeepDeadLetters(IReadOnlyList<CheckpointUpdate> updates, IReadOnlyList<DeadLetter> deadLetters)
    {
        _deadLetters.AddRange(deadLetters);
    }

    private async Task<IUnitOfWork> BeginDataTransactionAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        new DataOnlyUnitOfWork(await _transactions!.BeginAsync(services, cancellationToken).ConfigureAwait(false));

    // The data transaction commits without checkpoint rows; the group commit follows in the source.
    private sealed class DataOnlyUnitOfWork(IUnitOfWork inner) : IUnitOfWork
    {
        public bool SupportsBatchedSaves => inner.SupportsBatchedSaves;

        public void BeginBatch() => inner.BeginBatch();

        public Task RunAsync(Func<CancellationToken, Task> body, CancellationToken cancellationToken) => inner.RunAsync(body, cancellationToken);

        public Task BeginRecordAsync(CancellationToken cancellationToken) => inner.BeginRecordAsync(cancellationToken);

        public Task CompleteRecordAsync(CancellationToken cancellationToken) => inner.CompleteRecordAsync(cancellationToken);

        public Task AbortRecordAsync(CancellationToken cancellationToken) => inner.AbortRecordAsync(cancellationToken);

        public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken) => inner.AddDeadLetterAsync(deadLetter, cancellationToken);

        public Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken) => inner.CommitAsync([], cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
