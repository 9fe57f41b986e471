using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.DeadLetters;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// Wraps the real checkpoint store to count the records each committed unit of work applied, so a phase ends at the commit
/// of its last record without polling the database. Adds two calls per record and nothing else.
/// </summary>
public sealed class CountingCheckpointStore(ICheckpointStore inner, ApplyProgress progress) : ICheckpointStore
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken) =>
        inner.ReadAsync(partitions, cancellationToken);

    /// <inheritdoc />
    public async Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        new CountingUnitOfWork(await inner.BeginAsync(services, cancellationToken).ConfigureAwait(false), progress);

    private sealed class CountingUnitOfWork(IUnitOfWork inner, ApplyProgress progress) : IUnitOfWork
    {
        private int _applied;
        private int _failed;

        public Task BeginRecordAsync(CancellationToken cancellationToken) => inner.BeginRecordAsync(cancellationToken);

        public async Task CompleteRecordAsync(CancellationToken cancellationToken)
        {
            await inner.CompleteRecordAsync(cancellationToken).ConfigureAwait(false);
            _applied++;
        }

        public async Task AbortRecordAsync(CancellationToken cancellationToken)
        {
            await inner.AbortRecordAsync(cancellationToken).ConfigureAwait(false);
            _failed++;
        }

        public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken) => inner.AddDeadLetterAsync(deadLetter, cancellationToken);

        public async Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
        {
            await inner.CommitAsync(updates, cancellationToken).ConfigureAwait(false);
            progress.Committed(_applied, _failed);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
