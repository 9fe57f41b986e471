using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// A checkpoint store declaring what Kafka's group offsets declare: the transport keeps the positions
/// (<see cref="ICheckpointStore.KeepsPositionsInTransport"/>), so none are read here and no unit of work is begun.
/// </summary>
public sealed class PositionsInTransportStore : ICheckpointStore
{
    public bool KeepsPositionsInTransport => true;

    public Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<PartitionKey, Checkpoint>>(new Dictionary<PartitionKey, Checkpoint>());

    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The transport keeps the positions; this store begins no unit of work.");
}
