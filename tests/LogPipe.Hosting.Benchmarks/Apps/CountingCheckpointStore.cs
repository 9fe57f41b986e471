using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// Wraps the real checkpoint store to count the records each committed unit of work moved past (from the checkpoint
/// deltas), so a phase ends at the commit of its last record without polling the database. Batch mode, overlapped
/// commits and shard leases are passed through; several instances of one group share one <see cref="ApplyProgress"/>,
/// which counts a checkpoint moved by any of them once.
/// </summary>
public sealed class CountingCheckpointStore(ICheckpointStore inner, ApplyProgress progress) : ICheckpointStore
{
    private readonly ApplyProgress _progress = progress;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken) =>
        inner.ReadAsync(partitions, cancellationToken);

    /// <inheritdoc />
    public bool SupportsOverlappedCommits => inner.SupportsOverlappedCommits;

    /// <inheritdoc />
    public bool KeepsPositionsInTransport => inner.KeepsPositionsInTransport;

    /// <inheritdoc />
    public IShardLeaseStore? ShardLeases => inner.ShardLeases;

    /// <inheritdoc />
    public async Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        new CountingUnitOfWork(await inner.BeginAsync(services, cancellationToken).ConfigureAwait(false), this);

    private sealed class CountingUnitOfWork(IUnitOfWork inner, CountingCheckpointStore store) : IUnitOfWork
    {
        private int _failed;

        public bool SupportsBatchedSaves => inner.SupportsBatchedSaves;

        public void BeginBatch() => inner.BeginBatch();

        public Task BeginRecordAsync(CancellationToken cancellationToken) => inner.BeginRecordAsync(cancellationToken);

        public Task CompleteRecordAsync(CancellationToken cancellationToken) => inner.CompleteRecordAsync(cancellationToken);

        public async Task AbortRecordAsync(CancellationToken cancellationToken)
        {
            await inner.AbortRecordAsync(cancellationToken).ConfigureAwait(false);
            _failed++;
        }

        public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken) => inner.AddDeadLetterAsync(deadLetter, cancellationToken);

        public async Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
        {
            await inner.CommitAsync(updates, cancellationToken).ConfigureAwait(false);
            var moved = updates.Sum(u => store._progress.MoveTo(u.Partition, u.Checkpoint.NextOffset));
            store._progress.Committed((int)moved, _failed);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
