using LogPipe.Hosting.Checkpoints;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.InMemory;

/// <summary>
/// Checkpoints and dead letters in process memory: the default when no store is configured, and for tests. Checkpoint
/// writes are conditional like the database store's, but serializers' effects are not part of its transaction, so use
/// <c>UseEntityFrameworkOffsets</c> for exactly-once effects.
/// </summary>
public sealed class InMemoryCheckpointStore : ICheckpointStore
{
    private readonly Dictionary<(string Group, PartitionKey Partition), (Checkpoint Checkpoint, long Version)> _stored = [];
    private readonly Dictionary<PartitionKey, long> _seen = [];
    private readonly RecentDeadLetters _deadLetters;
    private readonly object _lock = new();

    /// <summary>Creates the store.</summary>
    /// <param name="options">LogPipe's options (for the consumer group name).</param>
    /// <param name="deadLetters">Where dead letters are kept; by default the most recent within <c>LogPipe:DeadLetters</c>' bounds.</param>
    public InMemoryCheckpointStore(IOptions<LogPipeOptions> options, RecentDeadLetters? deadLetters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConsumerGroup = ConsumerGroupName.Resolve(options.Value);
        _deadLetters = deadLetters ?? new RecentDeadLetters(options.Value.DeadLetters.MaxKeptInMemory, options.Value.DeadLetters.MaxBytesKeptInMemory);
    }

    /// <summary>The consumer group checkpoints are kept under.</summary>
    public string ConsumerGroup { get; }

    /// <summary>The most recent dead letters (see <c>LogPipe:DeadLetters:MaxKeptInMemory</c>).</summary>
    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters.Snapshot();

    /// <summary>The stored checkpoint of a partition, if any.</summary>
    /// <param name="partition">The partition.</param>
    /// <returns>The checkpoint, or <see langword="null"/>.</returns>
    public Checkpoint? Get(PartitionKey partition)
    {
        lock (_lock) return _stored.TryGetValue((ConsumerGroup, partition), out var s) ? s.Checkpoint : null;
    }

    /// <summary>Sets a checkpoint as another instance would, moving its version on (for tests of fencing).</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="checkpoint">The new checkpoint.</param>
    public void Set(PartitionKey partition, Checkpoint checkpoint)
    {
        lock (_lock)
        {
            var version = _stored.TryGetValue((ConsumerGroup, partition), out var s) ? s.Version + 1 : 1;
            _stored[(ConsumerGroup, partition)] = (checkpoint, version);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var result = new Dictionary<PartitionKey, Checkpoint>();
        lock (_lock)
        {
            foreach (var p in partitions)
            {
                if (_stored.TryGetValue((ConsumerGroup, p), out var s))
                {
                    result[p] = s.Checkpoint;
                    _seen[p] = s.Version;
                }
                else
                {
                    _seen[p] = 0;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<PartitionKey, Checkpoint>>(result);
    }

    /// <inheritdoc />
    /// <remarks>Checkpoint writes are conditional and commit under one lock with the version check.</remarks>
    public bool SupportsOverlappedCommits => true;

    /// <inheritdoc />
    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        Task.FromResult<IUnitOfWork>(new BufferedUnitOfWork(Commit));

    private void Commit(IReadOnlyList<CheckpointUpdate> updates, IReadOnlyList<DeadLetter> deadLetters)
    {
        lock (_lock)
        {
            var conflicts = updates
                .Where(u => (_stored.TryGetValue((ConsumerGroup, u.Partition), out var s) ? s.Version : 0) != _seen.GetValueOrDefault(u.Partition))
                .Select(u => u.Partition)
                .ToList();
            if (conflicts.Count > 0) throw new CheckpointConflictException(conflicts);
            foreach (var u in updates)
            {
                var version = _seen.GetValueOrDefault(u.Partition) + 1;
                _stored[(ConsumerGroup, u.Partition)] = (u.Checkpoint, version);
                _seen[u.Partition] = version;
            }

        }

        _deadLetters.AddRange(deadLetters);
    }
}
