using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Client.Transport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// Reads every shard of one stream. Each shard being read has a <see cref="ShardReader"/> filling its own bounded queue
/// in the background; <see cref="TryRead"/> takes from the queues round-robin and never blocks. A coordinator lists the
/// shards again from time to time (and whenever a shard ends) and starts a shard once its parents are finished — closed,
/// read to their end, and their last record applied (known from <see cref="OnCommittedAsync"/>) — so that per-key order
/// holds across splits and merges.
/// </summary>
/// <remarks>
/// Threads: <see cref="TryRead"/>, <see cref="IsCurrent"/>, <see cref="RewindAsync"/> and <see cref="OnCommittedAsync"/>
/// run on the consumer service's thread; readers and the coordinator in the background. Shared state is guarded by one
/// lock; <see cref="TryRead"/> reads an immutable snapshot of the readers. Checkpoints are read in the background only for
/// shards no reader has yet, so those reads never race a commit of the same shard.
/// </remarks>
internal sealed class KinesisRecordSource : IRecordSource
{
    private readonly ShardReadContext _context;
    private readonly KinesisOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly ShardLineage _lineage = new();
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly RetryBackoff _retry;
    private volatile ShardReader[] _readers = [];
    private volatile bool _discoveryWanted;
    private ICheckpointStore? _checkpoints;
    private Task _coordinator = Task.CompletedTask;
    private bool _listed;
    private long _lastGeneration;
    private int _next;

    public KinesisRecordSource(IKinesisClient client, string stream, string checkpointScope, KinesisOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _context = new ShardReadContext(client, stream, checkpointScope, options, time, logger, new RecordSignal());
        _retry = options.CreateBackoff();
    }

    public string Stream => _context.Stream;

    public async Task StartAsync(ICheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        _checkpoints = checkpoints;
        try
        {
            var started = new List<ShardReader>();
            if (await DiscoverAsync(cancellationToken).ConfigureAwait(false))
            {
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

        var stopping = _stopping.Token;
        _coordinator = Task.Run(() => CoordinateAsync(stopping), CancellationToken.None);
    }

    public bool TryRead([NotNullWhen(true)] out IncomingRecord? record)
    {
        var readers = _readers;
        for (var i = 0; i < readers.Length; i++)
        {
            var index = (_next + i) % readers.Length;
            if (readers[index].Records.TryRead(out record))
            {
                _next = index + 1;
                return true;
            }
        }

        record = null;
        return false;
    }

    public async ValueTask WaitToReadAsync(CancellationToken cancellationToken)
    {
        var queued = _context.Signal.Next;
        foreach (var reader in _readers)
        {
            if (reader.Records.TryPeek(out _)) return;
        }

        await queued.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public bool IsCurrent(IncomingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var partition = record.Partition;
        return partition.Stream == Stream
            && partition.Transport == _context.CheckpointScope
            && _generations.TryGetValue(partition.Partition, out var generation)
            && generation == record.Generation;
    }

    public async Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        if (_checkpoints is null || partition.Stream != Stream || partition.Transport != _context.CheckpointScope) return;
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
                state.StartWithoutCheckpoint = old.StartWithoutCheckpoint;
                state.Status = ShardStatus.Waiting;
                state.Reader = null;
                _generations[state.ShardId] = ++_lastGeneration;
                _readers = [.. _readers.Where(r => r != old)];
            }

            KinesisLog.RewindFailed(_logger, ex, Stream, state.ShardId, ex.Message);
            Wake(discover: false);
            return;
        }

        lock (_gate)
        {
            // The shard may have finished while its reader was stopping; then there is nothing to read again.
            if (state.Reader != old || state.Status != ShardStatus.Reading) return;
            state.StartWithoutCheckpoint = old.StartWithoutCheckpoint;
            var reader = StartReader(state, stored.TryGetValue(partition, out var checkpoint) ? checkpoint : null, replacing: old);
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
                finished |= FinishIfDrained(state);
            }
        }

        if (finished) Wake(discover: false);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _coordinator.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        ShardReader[] readers;
        lock (_gate)
        {
            readers = [.. _lineage.All.Select(s => s.Reader).OfType<ShardReader>()];
            _readers = [];
        }

        await Task.WhenAll(readers.Select(r => r.StopAsync())).ConfigureAwait(false);
        _stopping.Dispose();
        _wake.Dispose();
    }

    /// <summary>Lists the shards and adds new ones. The first successful listing also pins where shards start.</summary>
    /// <returns><see langword="false"/> when the listing failed (logged; the coordinator tries again).</returns>
    private async Task<bool> DiscoverAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Shard> shards;
        try
        {
            shards = await _context.Client.ListAllShardsAsync(Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisException ex)
        {
            KinesisLog.DiscoveryFailed(_logger, Stream, ex.ErrorCode ?? "NoAnswer", ex.Message, _options.ShardDiscoveryIntervalMs);
            return false;
        }

        if (!_listed)
        {
            lock (_gate) _lineage.Add(shards, ShardStart.TrimHorizon);
            var keys = shards.Where(s => s.ShardId is not null).Select(s => Key(s.ShardId!)).ToList();
            var stored = await _checkpoints!.ReadAsync(keys, cancellationToken).ConfigureAwait(false);
            lock (_gate) _lineage.PinInitialStarts(id => stored.TryGetValue(Key(id), out var c) && c.SequenceNumber is not null, ShardStart.Initial(_options));
            _listed = true;
            return true;
        }

        List<ShardState> added;
        lock (_gate) added = _lineage.Add(shards, ShardStart.TrimHorizon);
        if (added.Count > 0) KinesisLog.ShardsDiscovered(_logger, Stream, string.Join(", ", added.Select(s => s.ShardId)));
        return true;
    }

    /// <summary>Starts every waiting shard whose parents are finished, from its stored checkpoint.</summary>
    private async Task<List<ShardReader>> StartStartableAsync(CancellationToken cancellationToken)
    {
        List<ShardState> startable;
        lock (_gate) startable = _lineage.Startable();
        if (startable.Count == 0) return [];
        // No reader has these shards yet, so no commit of them can race this read (and its fencing version).
        var stored = await _checkpoints!.ReadAsync(startable.ConvertAll(s => Key(s.ShardId)), cancellationToken).ConfigureAwait(false);
        var started = new List<ShardReader>(startable.Count);
        lock (_gate)
        {
            foreach (var state in startable)
            {
                if (state.Status != ShardStatus.Waiting) continue;
                started.Add(StartReader(state, stored.TryGetValue(Key(state.ShardId), out var checkpoint) ? checkpoint : null, replacing: null));
            }
        }

        return started;
    }

    /// <summary>Starts a new generation of a shard's reader, after its checkpoint or where it starts without one. Under the lock.</summary>
    private ShardReader StartReader(ShardState state, Checkpoint? checkpoint, ShardReader? replacing)
    {
        var sequence = checkpoint?.SequenceNumber;
        var start = sequence is null ? state.StartWithoutCheckpoint : ShardStart.After(sequence);
        var generation = ++_lastGeneration;
        var reader = new ShardReader(_context, state.ShardId, generation, start, checkpoint?.NextOffset ?? 0, sequence, OnReaderEnded);
        state.Reader = reader;
        state.Status = ShardStatus.Reading;
        state.CommittedSequence = sequence;
        _generations[state.ShardId] = generation;
        _readers = [.. _readers.Where(r => r != replacing), reader];
        reader.Start();
        return reader;
    }

    private void OnReaderEnded(ShardReader reader)
    {
        lock (_gate)
        {
            if (_lineage.Find(reader.ShardId) is { } state && state.Reader == reader) FinishIfDrained(state);
        }

        // The shard closed because of a split or merge: its children exist now, so list them without waiting.
        Wake(discover: true);
    }

    /// <summary>Marks a shard finished once its reader is at the end and its last queued record is applied. Under the lock.</summary>
    private bool FinishIfDrained(ShardState state)
    {
        if (state.Status != ShardStatus.Reading || !state.IsDrained) return false;
        state.Status = ShardStatus.Finished;
        var reader = state.Reader;
        _readers = [.. _readers.Where(r => r != reader)];
        KinesisLog.ShardFinished(_logger, Stream, state.ShardId);
        return true;
    }

    private void Wake(bool discover)
    {
        if (discover) _discoveryWanted = true;
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Disposed while a reader was ending: nothing left to start.
        }
    }

    /// <summary>
    /// Lists shards every <see cref="KinesisOptions.ShardDiscoveryIntervalMs"/> (and when a shard ends), and starts shards
    /// whose parents finished. Failures are logged and retried; the coordinator ends only when the source is disposed.
    /// </summary>
    private async Task CoordinateAsync(CancellationToken cancellationToken)
    {
        var time = _context.Time;
        var interval = TimeSpan.FromMilliseconds(_options.ShardDiscoveryIntervalMs);
        var lastListing = time.GetTimestamp();
        var failures = 0;
        var retryAt = TimeSpan.MaxValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var untilListing = interval - time.GetElapsedTime(lastListing);
                var wait = untilListing < retryAt ? untilListing : retryAt;
                if (wait > TimeSpan.Zero && !_discoveryWanted) await _wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                retryAt = TimeSpan.MaxValue;
                if (_discoveryWanted || !_listed || time.GetElapsedTime(lastListing) >= interval)
                {
                    _discoveryWanted = false;
                    lastListing = time.GetTimestamp();
                    if (!await DiscoverAsync(cancellationToken).ConfigureAwait(false)) continue;
                }

                await StartStartableAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Most likely the checkpoint store is unreachable; the waiting shards are started once it answers.
                retryAt = _retry.Before(++failures);
                KinesisLog.StartShardsFailed(_logger, ex, Stream, ex.Message, (long)retryAt.TotalMilliseconds);
            }
        }
    }

    private PartitionKey Key(string shardId) => new(_context.CheckpointScope, Stream, shardId);
}
