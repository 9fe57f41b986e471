using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.InMemory;

/// <summary>
/// The in-memory store's unit of work: like <see cref="BufferedUnitOfWork"/> (dead letters buffered, serializers' effects
/// their own), and it keeps the identities of applied outbox records, written with the checkpoints under the store's lock.
/// </summary>
internal sealed class InMemoryUnitOfWork : IUnitOfWork
{
    private readonly InMemoryCheckpointStore _store;
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly List<OutboxIdentity> _applied = [];

    public InMemoryUnitOfWork(InMemoryCheckpointStore store) => _store = store;

    public bool SupportsBatchedSaves => true;

    public bool SupportsOutboxIdentities => true;

    public Task<IReadOnlySet<OutboxIdentity>> FindAppliedAsync(IReadOnlyCollection<OutboxIdentity> identities, CancellationToken cancellationToken) =>
        Task.FromResult(_store.FindApplied(identities));

    public void RecordApplied(IReadOnlyCollection<OutboxIdentity> identities) => _applied.AddRange(identities);

    public Task BeginRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CompleteRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AbortRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        _deadLetters.Add(deadLetter);
        return Task.CompletedTask;
    }

    public Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
    {
        _store.Commit(updates, _deadLetters, _applied);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
