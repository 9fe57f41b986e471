using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
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
    private readonly Dictionary<OutboxIdentity, DateTimeOffset> _applied = [];
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private DateTimeOffset _nextPruneAt;
    private readonly object _lock = new();
    private readonly InMemoryShardLeaseStore _leases = new();

    /// <summary>Creates the store.</summary>
    /// <param name="options">LogPipe's options (for the consumer group name).</param>
    /// <param name="deadLetters">Where dead letters are kept; by default the most recent within <c>LogPipe:DeadLetters</c>' bounds.</param>
    /// <param name="outbox">How long applied outbox identities are kept (<c>LogPipe:Outbox:DeduplicationWindow</c>); by default 7 days.</param>
    /// <param name="time">The clock the deduplication window is measured on; by default the system clock.</param>
    public InMemoryCheckpointStore(IOptions<LogPipeOptions> options, RecentDeadLetters? deadLetters = null, IOptions<OutboxDeduplicationOptions>? outbox = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConsumerGroup = ConsumerGroupName.Resolve(options.Value);
        _deadLetters = deadLetters ?? new RecentDeadLetters(options.Value.DeadLetters.MaxKeptInMemory, options.Value.DeadLetters.MaxBytesKeptInMemory);
        _window = outbox?.Value.DeduplicationWindow ?? new OutboxDeduplicationOptions().DeduplicationWindow;
        _time = time ?? TimeProvider.System;
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
    /// <remarks>The unit of work keeps applied outbox identities in memory, to recognise copies (within the deduplication window).</remarks>
    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        Task.FromResult<IUnitOfWork>(new InMemoryUnitOfWork(this));

    /// <inheritdoc />
    /// <remarks>Kept in memory: the shards of a stream are leased by the readers of this process only.</remarks>
    public IShardLeaseStore? ShardLeases => _leases;

    /// <summary>Which of the identities were applied and are still remembered (pruned once older than the window).</summary>
    internal IReadOnlySet<OutboxIdentity> FindApplied(IReadOnlyCollection<OutboxIdentity> identities)
    {
        var found = new HashSet<OutboxIdentity>();
        lock (_lock)
        {
            foreach (var identity in identities)
            {
                if (_applied.ContainsKey(identity)) found.Add(identity);
            }
        }

        return found;
    }

    internal void Commit(IReadOnlyList<CheckpointUpdate> updates, IReadOnlyList<DeadLetter> deadLetters, IReadOnlyList<OutboxIdentity> applied)
    {
        lock (_lock)
        {
            var conflicts = updates
                .Where(u => (_stored.TryGetValue((ConsumerGroup, u.Partition), out var s) ? s.Version : 0) != _seen.GetValueOrDefault(u.Partition))
                .Select(u => u.Partition)
                .Union(_leases.NotHeld(updates.Select(u => u.Partition)))
                .ToList();
            if (conflicts.Count > 0) throw new CheckpointConflictException(conflicts);
            foreach (var u in updates)
            {
                var version = _seen.GetValueOrDefault(u.Partition) + 1;
                _stored[(ConsumerGroup, u.Partition)] = (u.Checkpoint, version);
                _seen[u.Partition] = version;
            }

            var now = _time.GetUtcNow();
            foreach (var identity in applied) _applied[identity] = now;
            if (now >= _nextPruneAt)
            {
                // Identities older than the window are forgotten, at most once a minute (or once a window, if shorter).
                var cutoff = now - _window;
                foreach (var old in _applied.Where(a => a.Value < cutoff).Select(a => a.Key).ToList()) _applied.Remove(old);
                _nextPruneAt = now + (_window < TimeSpan.FromMinutes(1) ? _window : TimeSpan.FromMinutes(1));
            }
        }

        _deadLetters.AddRange(deadLetters);
    }
}
