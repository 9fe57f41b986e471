using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Leases;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// Reads every shard of one stream. Each shard being read has a <see cref="ShardReader"/> filling its own bounded queue
/// in the background; <see cref="TryRead"/> takes from the queues round-robin (<see cref="ShardQueues"/>) and never
/// blocks. A <see cref="ShardCoordinator"/> has the shards listed again (<see cref="ShardDiscovery"/>) from time to time
/// (and whenever a shard ends) and starts a shard once its parents are finished — closed, read to their end, and their
/// last record applied (known from <see cref="OnCommittedAsync"/>) — so that per-key order holds across splits and merges
/// (<see cref="ShardLineage"/>). <see cref="ShardReaders"/> starts, retires and finishes the readers.
/// </summary>
/// <remarks>
/// With a checkpoint store that keeps shard leases (<see cref="ICheckpointStore.ShardLeases"/>), only the shards whose
/// lease this instance holds are read (<see cref="ShardLeaseKeeper"/>); a shard whose lease is lost — found at a renewal,
/// or by a unit's checkpoint write the lease refused — is dropped like a Kafka revocation, and a closed shard's lease is
/// marked finished so that any instance may take its children.
/// Threads: <see cref="TryRead"/>, <see cref="IsCurrent"/>, <see cref="RewindAsync"/> and <see cref="OnCommittedAsync"/>
/// run on the consumer service's thread; readers and the coordinator in the background. Shared state is guarded by one
/// lock; <see cref="TryRead"/> reads an immutable snapshot of the queues. Checkpoints are read in the background only for
/// shards no reader has yet, so those reads never race a commit of the same shard.
/// </remarks>
internal sealed class KinesisRecordSource : IRecordSource, ITimeLagSource
{
    private readonly ShardReadContext _context;
    private readonly KinesisOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly ShardLineage _lineage = new();
    private readonly ShardQueues _queues;
    private readonly ShardReaders _readers;
    private readonly ShardHandOver _handOver;
    private readonly ShardDiscovery _discovery;
    private readonly ShardCoordinator _coordinator;
    private readonly KinesisLagMetrics? _lagMetrics;
    private ICheckpointStore? _checkpoints;
    private ShardLeaseKeeper? _leases;
    private bool _disposed;

    public KinesisRecordSource(IKinesisClient client, string stream, string checkpointScope, KinesisOptions options, TimeProvider time, ILogger logger, KinesisLagMetrics? lagMetrics = null)
    {
        _options = options;
        _logger = logger;
        _context = new ShardReadContext(client, stream, checkpointScope, options, time, logger, new RecordSignal());
        _queues = new ShardQueues(_context.Signal);
        _discovery = new ShardDiscovery(_context, _lineage, _gate);
        _readers = new ShardReaders(_context, _queues, OnReaderEnded, shardId => _leases?.Finished(shardId));
        _handOver = new ShardHandOver(_gate, _lineage, _queues, _readers);
        _coordinator = new ShardCoordinator(
            stream,
            options.ShardDiscoveryInterval,
            options.CreateBackoff(),
            time,
            logger,
            cancellationToken => _discovery.DiscoverAsync(_checkpoints!, _leases, cancellationToken),
            async cancellationToken => await StartStartableAsync(cancellationToken).ConfigureAwait(false));
        _lagMetrics = lagMetrics;
        _lagMetrics?.Track(this);
    }

    public string Stream => _context.Stream;

    public async Task StartAsync(ICheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.KeepsPositionsInTransport)
        {
            // Kinesis keeps no consumer positions: none would be stored, and every start would read from the initial position again.
            throw new InvalidOperationException(
                $"The checkpoint store {checkpoints.GetType().Name} keeps positions in the transport (as UseKafkaOffsets() does), "
                + $"but Kinesis keeps none: stream '{Stream}' needs a store that keeps them itself, such as UseEntityFrameworkOffsets<TDbContext>().");
        }

        _checkpoints = checkpoints;
        _leases = CreateLeaseKeeper(checkpoints);
        try
        {
            var started = new List<ShardReader>();
            if (await _discovery.DiscoverAsync(checkpoints, _leases, cancellationToken).ConfigureAwait(false))
            {
                if (_leases is not null) await _leases.RunRoundAsync(cancellationToken).ConfigureAwait(false);
                started = await StartStartableAsync(cancellationToken).ConfigureAwait(false);
            }

            // Records written after StartAsync returns must be read even from a LATEST start: wait until those iterators are taken.
            await Task.WhenAll(started.Where(r => r.StartsAtLatest).Select(r => r.FirstAttempt)).WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                KinesisLog.SourceStarted(_logger, Stream, _lineage.Count, started.Count, _lineage.All.Count(s => s.Status == ShardStatus.Waiting));
            }
        }
        catch
        {
            // A source that failed to start is not handed to the consumer service, so nobody else would stop its readers.
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _coordinator.Start(_discovery.Listed);
        _leases?.Start();
    }

    public IReadOnlyList<KeyValuePair<PartitionKey, TimeSpan>> TimeBehindLatest() =>
        [.. Readers().Where(r => r.MillisBehindLatest is not null).Select(r => KeyValuePair.Create(r.Partition, TimeSpan.FromMilliseconds(r.MillisBehindLatest!.Value)))];

    /// <summary>The readers of the shards being read now (none once disposed).</summary>
    internal List<ShardReader> Readers()
    {
        lock (_gate) return _disposed ? [] : [.. _lineage.All.Where(s => s.Status == ShardStatus.Reading).Select(s => s.Reader).OfType<ShardReader>()];
    }

    public bool TryRead([NotNullWhen(true)] out IncomingRecord? record)
    {
        if (!_queues.TryRead(out record)) return false;
        if (_leases is not null) _handOver.Taken(record);
        return true;
    }

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken) => _queues.WaitToReadAsync(cancellationToken);

    public bool IsCurrent(IncomingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var partition = record.Partition;
        return partition.Stream == Stream
            && partition.Transport == _context.CheckpointScope
            && _readers.IsCurrent(partition.Partition, record.Generation);
    }

    public async Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        if (_checkpoints is null || partition.Stream != Stream || partition.Transport != _context.CheckpointScope) return;
        if (_leases is not null && !_leases.StillHolds(partition.Partition))
        {
            // The write was refused because another instance took the lease: reading on would only be refused again.
            await DropLostAsync([partition.Partition]).ConfigureAwait(false);
            return;
        }

        ShardState? state;
        ShardReader? old;
        lock (_gate)
        {
            state = _lineage.Find(partition.Partition);
            old = state?.Reader;
            if (state is null || old is null || state.Status != ShardStatus.Reading) return;
        }

        // Stop the reader first: no record of the old generation is queued after this, and the new one starts clean.
        await old.StopAsync().ConfigureAwait(false);
        IReadOnlyDictionary<PartitionKey, Checkpoint> stored;
        try
        {
            stored = await _checkpoints.ReadAsync([partition], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The store did not answer: retire what was read and let the coordinator start the shard again from its
            // checkpoint once the store answers. The consumer service goes on with the other shards meanwhile.
            lock (_gate)
            {
                if (state.Reader != old || state.Status != ShardStatus.Reading) return;
                _readers.Retire(state);
            }

            KinesisLog.RewindFailed(_logger, ex, Stream, state.ShardId, ex.Message);
            _coordinator.Wake(list: false);
            return;
        }

        lock (_gate)
        {
            // The shard may have finished while its reader was stopping; then there is nothing to read again.
            if (state.Reader != old || state.Status != ShardStatus.Reading) return;
            state.StartWithoutCheckpoint = old.StartWithoutCheckpoint;
            var reader = _readers.Start(state, stored.TryGetValue(partition, out var checkpoint) ? checkpoint : null, replacing: old);
            KinesisLog.ShardRewound(_logger, Stream, state.ShardId, checkpoint.SequenceNumber ?? reader.StartWithoutCheckpoint.ToString());
        }
    }

    public ValueTask OnCommittedAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var finished = false;
        lock (_gate)
        {
            foreach (var update in updates)
            {
                if (update.Partition.Stream != Stream || update.Partition.Transport != _context.CheckpointScope) continue;
                if (_lineage.Find(update.Partition.Partition) is not { Status: ShardStatus.Reading } state) continue;
                state.CommittedSequence = update.Checkpoint.SequenceNumber;
                finished |= _readers.FinishIfDrained(state);
            }
        }

        if (finished) _coordinator.Wake(list: false);
        _leases?.Committed();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        ShardReader[] readers;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }

        _lagMetrics?.Untrack(this);

        await _coordinator.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            readers = [.. _lineage.All.Select(s => s.Reader).OfType<ShardReader>()];
            _queues.Clear();
        }

        await Task.WhenAll(readers.Select(r => r.StopAsync())).ConfigureAwait(false);

        // Last: every unit of work is committed by now, so the instances taking these shards over start from their last checkpoint.
        if (_leases is not null) await _leases.DisposeAsync().ConfigureAwait(false);
    }

    private ShardLeaseKeeper? CreateLeaseKeeper(ICheckpointStore checkpoints)
    {
        if (checkpoints.ShardLeases is not { } store)
        {
            KinesisLog.LeasesUnavailable(_logger, Stream, checkpoints.GetType().Name);
            return null;
        }

        return new ShardLeaseKeeper(store, _context.CheckpointScope, Stream, _options.Leases, _options.CreateBackoff(), _context.Time, _logger, Assignable, DropLostAsync, () => _coordinator.Wake(list: false), _handOver.Hooks);
    }

    /// <summary>
    /// Of the stream's leases, those this instance may take: listed here, not finished, and every parent finished. A lease
    /// another instance marked finished marks its shard finished here too, so its children may start.
    /// </summary>
    private List<ShardLease> Assignable(IReadOnlyList<ShardLease> leases)
    {
        lock (_gate)
        {
            if (_lineage.MarkFinished(leases.Where(l => l.Finished).Select(l => l.Shard.Partition))) _coordinator.Wake(list: false);
            return leases.Where(l => !l.Finished && _lineage.MayStart(l.Shard.Partition)).ToList();
        }
    }

    /// <summary>Stops reading shards whose lease another instance took: their queued records are dropped and no longer current.</summary>
    private async Task DropLostAsync(IReadOnlyList<string> shardIds)
    {
        var readers = new List<ShardReader>();
        lock (_gate)
        {
            foreach (var id in shardIds)
            {
                if (_lineage.Find(id) is not { Status: ShardStatus.Reading, Reader: { } reader } state) continue;
                readers.Add(reader);
                _readers.Retire(state);
            }
        }

        await Task.WhenAll(readers.Select(r => r.StopAsync())).ConfigureAwait(false);
    }

    /// <summary>Starts every waiting shard whose parents are finished, from its stored checkpoint.</summary>
    private async Task<List<ShardReader>> StartStartableAsync(CancellationToken cancellationToken)
    {
        List<ShardState> startable;
        lock (_gate) startable = _lineage.Startable().FindAll(s => _leases is null || _leases.Holds(s.ShardId));
        if (startable.Count == 0) return [];
        // No reader has these shards yet, so no commit of them can race this read (and its fencing version).
        var stored = await _checkpoints!.ReadAsync(startable.ConvertAll(s => Key(s.ShardId)), cancellationToken).ConfigureAwait(false);
        var started = new List<ShardReader>(startable.Count);
        lock (_gate)
        {
            foreach (var state in startable)
            {
                if (state.Status != ShardStatus.Waiting) continue;
                started.Add(_readers.Start(state, stored.TryGetValue(Key(state.ShardId), out var checkpoint) ? checkpoint : null, replacing: null));
            }
        }

        return started;
    }

    private void OnReaderEnded(ShardReader reader)
    {
        lock (_gate)
        {
            if (_lineage.Find(reader.ShardId) is { } state && state.Reader == reader) _readers.FinishIfDrained(state);
        }

        // The shard closed because of a split or merge: its children exist now, so list them without waiting.
        _coordinator.Wake(list: true);
    }

    private PartitionKey Key(string shardId) => new(_context.CheckpointScope, Stream, shardId);
}
