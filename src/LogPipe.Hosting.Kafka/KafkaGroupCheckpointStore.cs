using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.DeadLetters;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Keeps consumer positions in Kafka itself, as consumer-group commits after each unit of work (django-logpipe's
/// <c>KafkaOffsetStore</c>). Effects are at-least-once: a record applied just before a crash is applied again after the
/// restart. Dead letters are kept in memory only; prefer <c>UseEntityFrameworkOffsets</c> for exactly-once effects and
/// durable dead letters.
/// </summary>
public sealed class KafkaGroupCheckpointStore : ICheckpointStore
{
    private readonly List<DeadLetter> _deadLetters = [];

    /// <summary>Dead letters kept by this process.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters
    {
        get
        {
            lock (_deadLetters) return [.. _deadLetters];
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<PartitionKey, Checkpoint>>(new Dictionary<PartitionKey, Checkpoint>());

    /// <inheritdoc />
    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.FromResult<IUnitOfWork>(new UnitOfWork(this));

    private sealed class UnitOfWork(KafkaGroupCheckpointStore store) : IUnitOfWork
    {
        private readonly List<DeadLetter> _pending = [];

        public Task BeginRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompleteRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AbortRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
        {
            _pending.Add(deadLetter);
            return Task.CompletedTask;
        }

        // The group commit itself happens in the source once this returns (KafkaRecordSource.OnCommittedAsync).
        public Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
        {
            lock (store._deadLetters) store._deadLetters.AddRange(_pending);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
