using LogPipe.Hosting.Checkpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Keeps checkpoints and dead letters in the application's own <typeparamref name="TDbContext"/>. A unit of work is one
/// database transaction holding the serializers' saves, the dead letters and the checkpoint writes, so a record's effects
/// and the checkpoint past it commit together or not at all. Every checkpoint write is conditional on the version this
/// process last read or wrote, so an instance that lost a partition cannot commit over a newer checkpoint.
/// </summary>
/// <typeparam name="TDbContext">The application's DbContext, with <c>ApplyLogPipeConfiguration()</c> in its model.</typeparam>
internal sealed class EntityFrameworkCheckpointStore<TDbContext> : ICheckpointStore
    where TDbContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;
    private readonly CheckpointVersions _versions = new();
    private volatile bool _modelChecked;
    private CheckpointWriter? _writer;
    private readonly System.Data.IsolationLevel? _isolationLevel;
    private readonly OutboxReceivedTable _received;
    private readonly EntityFrameworkShardLeaseStore<TDbContext> _leases;
    private bool? _keepsLeases;

    /// <summary>Creates the store.</summary>
    /// <param name="scopes">Creates scopes for reads outside a unit of work.</param>
    /// <param name="options">LogPipe's options (the consumer group name, the units' isolation level).</param>
    /// <param name="outbox">How long applied outbox identities are kept; by default 7 days.</param>
    /// <param name="time">The clock of the deduplication window; by default the system clock.</param>
    /// <param name="logger">Logs pruning of old outbox identities.</param>
    public EntityFrameworkCheckpointStore(
        IServiceScopeFactory scopes,
        IOptions<LogPipeOptions> options,
        IOptions<OutboxDeduplicationOptions>? outbox = null,
        TimeProvider? time = null,
        ILogger<EntityFrameworkCheckpointStore<TDbContext>>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        ConsumerGroup = ConsumerGroupName.Resolve(options.Value);
        _isolationLevel = options.Value.UnitOfWork.IsolationLevel;
        var window = outbox?.Value.DeduplicationWindow ?? new OutboxDeduplicationOptions().DeduplicationWindow;
        _received = new OutboxReceivedTable(ConsumerGroup, window, time ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance);
        _leases = new EntityFrameworkShardLeaseStore<TDbContext>(scopes, ConsumerGroup, time ?? TimeProvider.System);
    }

    /// <summary>The consumer group checkpoints are kept under.</summary>
    public string ConsumerGroup { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        var db = Context(scope.ServiceProvider);
        var result = new Dictionary<PartitionKey, Checkpoint>();
        foreach (var group in partitions.GroupBy(p => (p.Transport, p.Stream)))
        {
            var names = group.Select(p => p.Partition).ToList();
            var rows = await db.Set<LogPipeCheckpoint>().AsNoTracking()
                .Where(c => c.ConsumerGroup == ConsumerGroup && c.Transport == group.Key.Transport && c.Stream == group.Key.Stream && names.Contains(c.Partition))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var p in group)
            {
                var row = rows.Find(r => r.Partition == p.Partition);
                _versions.Set(p, row?.Version ?? 0);
                if (row is not null) result[p] = new Checkpoint(row.NextOffset, row.SequenceNumber);
            }
        }

        return result;
    }

    /// <inheritdoc />
    /// <remarks>Checkpoints are written in the unit's transaction, each conditional on its version.</remarks>
    public bool SupportsOverlappedCommits => true;

    /// <inheritdoc />
    /// <remarks>Kept in <c>LogPipeShardLeases</c> when the model has that table (<c>ApplyLogPipeConfiguration()</c> adds it).</remarks>
    public IShardLeaseStore? ShardLeases
    {
        get
        {
            if (_keepsLeases is null)
            {
                using var scope = _scopes.CreateScope();
                _keepsLeases = Context(scope.ServiceProvider).Model.FindEntityType(typeof(LogPipeShardLease)) is not null;
            }

            return _keepsLeases.Value ? _leases : null;
        }
    }

    /// <inheritdoc />
    public async Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = Context(services);
        // LogPipe manages savepoints per record; EF's own automatic ones would only double the round trips.
        db.Database.AutoSavepointsEnabled = false;
        var transaction = await UnitOfWorkTransaction.BeginUnlessRetryingAsync(db.Database, _isolationLevel, cancellationToken).ConfigureAwait(false);
        var writer = _writer ??= CheckpointWriter.Create(db);
        // Outbox identities are kept when the model has their table (ApplyLogPipeConfiguration adds it).
        var received = db.Model.FindEntityType(typeof(LogPipeOutboxReceived)) is null ? null : _received;
        return new EntityFrameworkUnitOfWork(_versions, writer, ConsumerGroup, db, transaction, _isolationLevel, received, ShardLeases is null ? null : _leases);
    }

    private TDbContext Context(IServiceProvider services)
    {
        var db = services.GetRequiredService<TDbContext>();
        if (!_modelChecked)
        {
            if (db.Model.FindEntityType(typeof(LogPipeCheckpoint)) is null || db.Model.FindEntityType(typeof(LogPipeDeadLetter)) is null)
            {
                throw new InvalidOperationException(
                    $"{typeof(TDbContext).Name} has no LogPipe tables in its model: call modelBuilder.ApplyLogPipeConfiguration() in {typeof(TDbContext).Name}.OnModelCreating and add a migration.");
            }

            _modelChecked = true;
        }

        return db;
    }
}
