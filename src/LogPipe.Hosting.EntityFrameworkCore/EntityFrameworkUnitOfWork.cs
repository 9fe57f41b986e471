using System.Text.Json;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>One database transaction: records in savepoints, dead letters, conditional checkpoint writes, one commit.</summary>
internal sealed class EntityFrameworkUnitOfWork : IUnitOfWork
{
    private const string RecordSavepoint = "logpipe_record";

    private readonly CheckpointVersions _versions;
    private readonly string _consumerGroup;
    private readonly DbContext _db;
    private readonly System.Data.IsolationLevel? _isolationLevel;
    private IDbContextTransaction? _transaction;
    private readonly CheckpointWriter? _writer;
    private readonly OutboxReceivedTable? _received;
    private readonly IShardLeaseFence? _leases;
    private readonly List<OutboxIdentity> _applied = [];
    private bool _batch;

    // Without a transaction, it begins in RunAsync, inside the DbContext's retrying execution strategy (UnitOfWorkTransaction).
    public EntityFrameworkUnitOfWork(
        CheckpointVersions versions, CheckpointWriter? writer, string consumerGroup, DbContext db, IDbContextTransaction? transaction, System.Data.IsolationLevel? isolationLevel, OutboxReceivedTable? received = null, IShardLeaseFence? leases = null)
    {
        _isolationLevel = isolationLevel;
        _leases = leases;
        _received = received;
        _versions = versions;
        _writer = writer;
        _consumerGroup = consumerGroup;
        _db = db;
        _transaction = transaction;
    }

    public bool SupportsBatchedSaves => true;

    private IDbContextTransaction Transaction => _transaction
        ?? throw new InvalidOperationException("The unit's transaction begins in RunAsync: the DbContext's execution strategy retries on failure and refuses a transaction begun outside it.");

    public Task RunAsync(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return _transaction is not null
            ? body(cancellationToken)
            : UnitOfWorkTransaction.RunAsync(_db.Database, _isolationLevel, transaction => _transaction = transaction, body, cancellationToken);
    }

    public void BeginBatch() => _batch = true;

    public bool SupportsOutboxIdentities => _received is not null;

    public Task<IReadOnlySet<OutboxIdentity>> FindAppliedAsync(IReadOnlyCollection<OutboxIdentity> identities, CancellationToken cancellationToken) =>
        (_received ?? throw new NotSupportedException("This unit of work does not keep outbox identities.")).FindAsync(_db, identities, cancellationToken);

    public void RecordApplied(IReadOnlyCollection<OutboxIdentity> identities)
    {
        if (_received is null) throw new NotSupportedException("This unit of work does not keep outbox identities.");
        _applied.AddRange(identities);
    }

    public Task BeginRecordAsync(CancellationToken cancellationToken) => Transaction.CreateSavepointAsync(RecordSavepoint, cancellationToken);

    public async Task CompleteRecordAsync(CancellationToken cancellationToken)
    {
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await Transaction.ReleaseSavepointAsync(RecordSavepoint, cancellationToken).ConfigureAwait(false);
        // What is saved is in the transaction; tracking it on would make every later SaveChanges scan it again
        // (quadratic in the unit's size). Lookups of later records read it back from the transaction.
        _db.ChangeTracker.Clear();
    }

    public async Task AbortRecordAsync(CancellationToken cancellationToken)
    {
        await Transaction.RollbackToSavepointAsync(RecordSavepoint, cancellationToken).ConfigureAwait(false);
        await Transaction.ReleaseSavepointAsync(RecordSavepoint, cancellationToken).ConfigureAwait(false);
        // Earlier records are already flushed into the transaction; what is still tracked belongs to the failed one.
        _db.ChangeTracker.Clear();
    }

    public async Task AddDeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        _db.Set<LogPipeDeadLetter>().Add(new LogPipeDeadLetter
        {
            ConsumerGroup = deadLetter.ConsumerGroup,
            Transport = deadLetter.Partition.Transport,
            Stream = deadLetter.Partition.Stream,
            Partition = deadLetter.Partition.Partition,
            Offset = deadLetter.Offset,
            SequenceNumber = deadLetter.SequenceNumber,
            Key = deadLetter.Key,
            Value = deadLetter.Value,
            Headers = deadLetter.Headers is { Count: > 0 } h ? JsonSerializer.Serialize(h.Select(x => new[] { x.Key, Convert.ToBase64String(x.Value) })) : null,
            MessageType = deadLetter.MessageType,
            Version = deadLetter.Version,
            ErrorKind = deadLetter.ErrorKind.ToString(),
            Error = deadLetter.Error,
            Attempts = deadLetter.Attempts,
            RecordTimestamp = deadLetter.RecordTimestamp.ToUniversalTime(),
            FirstFailedAt = deadLetter.FirstFailedAt.ToUniversalTime(),
            DeadLetteredAt = deadLetter.DeadLetteredAt.ToUniversalTime(),
        });
        // Written at once: a later record's rollback clears the change tracker, and must not take the dead letter with it.
        // In batch mode nothing is rolled back record by record: it is flushed with the rest at commit.
        if (!_batch) await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task CommitAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (_applied.Count > 0)
        {
            // The identities of the outbox records handled: a copy sent again later is recognised. A key clash means
            // another instance applied one meanwhile: the unit fails and is applied again, skipping it.
            _received!.Add(_db, _applied);
            if (!_batch)
            {
                await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                _db.ChangeTracker.Clear();
            }
        }

        if (_batch)
        {
            // Everything the batch changed, in one round of statements; a failure here abandons the batch.
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            _db.ChangeTracker.Clear();
        }

        var now = DateTimeOffset.UtcNow;
        var written = new List<(PartitionKey Partition, long Version)>(updates.Count);
        // A leased shard's checkpoint is written only while this instance holds the lease, checked in this transaction.
        var conflicts = _leases is null ? [] : await _leases.FenceAsync(_db, updates.Select(u => u.Partition), cancellationToken).ConfigureAwait(false);
        var writes = new List<CheckpointWriter.Write>(updates.Count);
        var inserts = new List<CheckpointUpdate>();
        foreach (var update in updates)
        {
            var expected = _versions.Of(update.Partition);
            if (expected == 0) inserts.Add(update);
            else writes.Add(new CheckpointWriter.Write(_consumerGroup, update.Partition, update.Checkpoint, expected, now));
        }

        var changed = writes.Count == 0 ? [] : await (_writer ?? throw new InvalidOperationException("This unit of work does not keep checkpoints.")).WriteAsync(_db, Transaction, writes, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            if (changed[i]) written.Add((writes[i].Partition, writes[i].ExpectedVersion + 1));
            else conflicts.Add(writes[i].Partition);
        }

        var checkpoints = _db.Set<LogPipeCheckpoint>();
        foreach (var (partition, checkpoint) in conflicts.Count > 0 ? [] : inserts)
        {
            // No row was seen: insert. If another instance inserted meanwhile, the key clash fences this one out.
            checkpoints.Add(new LogPipeCheckpoint
            {
                ConsumerGroup = _consumerGroup,
                Transport = partition.Transport,
                Stream = partition.Stream,
                Partition = partition.Partition,
                NextOffset = checkpoint.NextOffset,
                SequenceNumber = checkpoint.SequenceNumber,
                Version = 1,
                UpdatedAt = now,
            });
            try
            {
                await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                _db.ChangeTracker.Clear();
                conflicts.Add(partition);
                break;
            }

            written.Add((partition, 1));
        }

        if (conflicts.Count > 0)
        {
            await Transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw new CheckpointConflictException(conflicts);
        }

        await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (partition, version) in written) _versions.Set(partition, version);
        if (_received is not null) await _received.PruneIfDueAsync(_db).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync().ConfigureAwait(false);
        _db.ChangeTracker.Clear();
    }
}
