using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Transport;

/// <summary>
/// The receiving half of a transport for one topic or stream. The consumer service polls every source without blocking
/// (<see cref="TryRead"/>) so that an idle source never delays a busy one, and waits on all of them only when all are idle.
/// A source is used by one thread at a time.
/// </summary>
/// <remarks>Extension point for transport authors: returned by <see cref="ITransport.CreateSource"/>. See
/// docs/extending.md.</remarks>
public interface IRecordSource : IAsyncDisposable
{
    /// <summary>The topic or stream this source reads.</summary>
    string Stream { get; }

    /// <summary>
    /// Starts reading: joins the consumer group or lists the shards, and positions every owned partition after its
    /// stored checkpoint (read from <paramref name="checkpoints"/>) or at the configured initial position.
    /// </summary>
    /// <param name="checkpoints">Where checkpoints are stored.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    Task StartAsync(ICheckpointStore checkpoints, CancellationToken cancellationToken);

    /// <summary>Takes the next record if one is ready; never blocks.</summary>
    /// <param name="record">The record.</param>
    /// <returns><see langword="true"/> when a record was taken.</returns>
    bool TryRead([NotNullWhen(true)] out IncomingRecord? record);

    /// <summary>Completes when a record may be ready, or when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask WaitToReadAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="record"/> still belongs to a partition this source owns under the same assignment.</summary>
    /// <param name="record">A record this source returned.</param>
    bool IsCurrent(IncomingRecord record);

    /// <summary>
    /// Rewinds a partition to its stored checkpoint: records read but not applied are discarded and read again. Used after
    /// a unit of work rolled back, or when a checkpoint write was fenced because another instance moved the partition on.
    /// </summary>
    /// <param name="partition">The partition or shard.</param>
    /// <param name="cancellationToken">Cancels the rewind.</param>
    Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken);

    /// <summary>Called after a unit of work committed, with the checkpoints it wrote (Kafka group commits happen here).</summary>
    /// <param name="updates">The committed checkpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask OnCommittedAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken);
}
