using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The checkpoint store as the sources see it when commits overlap the reading of the next unit: a read (a partition
/// assigned inside the consumer's poll, a rewind) waits for the commit in flight, so it sees that commit's checkpoint and
/// version. Otherwise a partition taken away and given back during the commit would restart before the commit's
/// records and apply them again.
/// </summary>
internal sealed class CommitOrderedCheckpoints(ICheckpointStore inner) : ICheckpointStore
{
    private volatile Task _inFlight = Task.CompletedTask;

    public bool SupportsOverlappedCommits => inner.SupportsOverlappedCommits;

    public bool KeepsPositionsInTransport => inner.KeepsPositionsInTransport;

    public IShardLeaseStore? ShardLeases => inner.ShardLeases;

    public void CommitStarted(Task commit) => _inFlight = commit;

    public async Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken)
    {
        // How the commit ended does not matter here, only that it did: the read then sees what it left.
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return await inner.ReadAsync(partitions, cancellationToken).ConfigureAwait(false);
    }

    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) => inner.BeginAsync(services, cancellationToken);
}
