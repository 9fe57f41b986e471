using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Kinesis.Client.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Leases;

/// <summary>
/// Keeps this instance's shard leases of one stream, in the background: every <see cref="KinesisLeaseOptions.RenewInterval"/>
/// (and when woken) it marks finished shards, reads the stream's leases, renews its own, tells the source which it lost,
/// and takes what <see cref="ShardLeaseBalancer"/> plans. On a clean stop it releases what it holds. The source decides
/// which leases may be taken (parents finished) and starts and stops the readers.
/// </summary>
internal sealed class ShardLeaseKeeper : IAsyncDisposable
{
    private readonly IShardLeaseStore _store;
    private readonly string _transport;
    private readonly string _stream;
    private readonly KinesisLeaseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseExpiryWatch _expiry;
    private readonly RetryBackoff _retry;
    private readonly Func<IReadOnlyList<ShardLease>, IReadOnlyList<ShardLease>> _assignable;
    private readonly Func<IReadOnlyList<string>, Task> _lost;
    private readonly Action _acquired;
    private readonly LeaseHandOvers _handOvers;
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finishing = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;

    /// <param name="store">The leases.</param>
    /// <param name="transport">The checkpoint scope.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="options">Durations, cap and steal limit.</param>
    /// <param name="retry">The backoff after a failed round.</param>
    /// <param name="time">The clock; only its monotonic part judges expiry.</param>
    /// <param name="logger">The log.</param>
    /// <param name="assignable">Of the stream's leases, those whose shard may be read now; marks finished ones on the way.</param>
    /// <param name="lost">Stops reading shards whose lease was lost.</param>
    /// <param name="acquired">Has the source start the shards whose lease was taken.</param>
    /// <param name="handOver">What the source does for a lease being handed over to an instance that asked for it.</param>
    public ShardLeaseKeeper(
        IShardLeaseStore store,
        string transport,
        string stream,
        KinesisLeaseOptions options,
        RetryBackoff retry,
        TimeProvider time,
        ILogger logger,
        Func<IReadOnlyList<ShardLease>, IReadOnlyList<ShardLease>> assignable,
        Func<IReadOnlyList<string>, Task> lost,
        Action acquired,
        LeaseHandOverHooks handOver)
    {
        _store = store;
        _transport = transport;
        _stream = stream;
        _options = options;
        _retry = retry;
        _time = time;
        _logger = logger;
        _assignable = assignable;
        _lost = lost;
        _acquired = acquired;
        _expiry = new LeaseExpiryWatch(options.Duration, time);
        _handOvers = new LeaseHandOvers(store, stream, options.Duration, time, logger, handOver);
    }

    /// <summary>Whether this instance holds the lease of <paramref name="shardId"/>.</summary>
    public bool Holds(string shardId)
    {
        lock (_held) return _held.Contains(shardId);
    }

    /// <summary>
    /// After a unit's checkpoint write of <paramref name="shardId"/> was refused: whether this instance still holds its lease
    /// (the store forgets a lease its fence found taken). A lost one is forgotten here too, and logged (event 9006).
    /// </summary>
    public bool StillHolds(string shardId)
    {
        if (_store.Holds(Key(shardId))) return true;
        bool forgotten;
        lock (_held) forgotten = _held.Remove(shardId);
        if (forgotten) KinesisLog.LeaseLostAtCommit(_logger, _stream, shardId);
        return false;
    }

    /// <summary>Adds free leases for listed shards that have none.</summary>
    public Task AddAsync(IEnumerable<string> shardIds, CancellationToken cancellationToken) =>
        _store.AddAsync([.. shardIds.Select(Key)], cancellationToken);

    /// <summary>Has the lease of a finished shard marked so in the next round, which starts at once.</summary>
    public void Finished(string shardId)
    {
        lock (_held) _finishing.Add(shardId);
        Wake();
    }

    /// <summary>Starts renewing and taking every renew interval.</summary>
    public void Start()
    {
        var stopping = _stopping.Token;
        _run = Task.Run(() => RunAsync(stopping), CancellationToken.None);
    }

    /// <summary>After a commit: runs a round now if a lease is being handed over, so it is released as soon as its records are committed.</summary>
    public void Committed()
    {
        if (_handOvers.AnyGiving) Wake();
    }

    /// <summary>Runs a round now.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    /// <summary>
    /// One round: mark finished shards, read the leases, hand over those asked for, renew, report the lost ones, release
    /// the handed-over ones whose records are committed, take (or ask for) what the plan says.
    /// </summary>
    public async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        string[] finishing;
        lock (_held) finishing = [.. _finishing];
        foreach (var shard in finishing)
        {
            if (await _store.FinishAsync(Key(shard), cancellationToken).ConfigureAwait(false)) KinesisLog.LeaseFinished(_logger, _stream, shard);
            lock (_held)
            {
                _finishing.Remove(shard);
                _held.Remove(shard);
            }
        }

        var leases = await _store.ListAsync(_transport, _stream, cancellationToken).ConfigureAwait(false);
        _expiry.Observe(leases);
        await _handOvers.NoticeAsync(leases, _held).ConfigureAwait(false);
        string[] held;
        lock (_held) held = [.. _held, .. _handOvers.Giving];
        var lost = new List<string>();
        foreach (var shard in held)
        {
            if (await _store.RenewAsync(Key(shard), cancellationToken).ConfigureAwait(false)) continue;
            lost.Add(shard);
            lock (_held) _held.Remove(shard);
            _handOvers.Lost(shard);
            KinesisLog.LeaseLost(_logger, _stream, shard);
        }

        if (lost.Count > 0) await _lost(lost).ConfigureAwait(false);
        await _handOvers.ReleaseCommittedAsync(Key, cancellationToken).ConfigureAwait(false);

        // Leases as read before this round's renewals: the counters others watch moved on, but whom they belong to did not.
        var assignable = _assignable(leases).Select(l => l.Owner == _store.Owner && lost.Contains(l.Shard.Partition) ? l with { Owner = "(lost)" } : _handOvers.AsSeen(l)).ToList();
        var acquired = 0;
        foreach (var take in ShardLeaseBalancer.Plan(assignable, _store.Owner, _expiry.IsExpired, _options))
        {
            // A lease held by a busier instance is asked for first; it is taken only if the holder does not hand it over.
            if (take.Reason == LeaseTake.Stolen && !await _handOvers.TakeNowAsync(take.Lease, cancellationToken).ConfigureAwait(false)) continue;
            if (!await _store.TryTakeAsync(take.Lease, cancellationToken).ConfigureAwait(false)) continue;
            int count;
            lock (_held)
            {
                _held.Add(take.Lease.Shard.Partition);
                count = _held.Count;
            }

            acquired++;
            KinesisLog.LeaseTaken(_logger, _stream, take.Lease.Shard.Partition, take.Reason, take.Lease.Owner ?? "nobody", _store.Owner, count);
        }

        if (acquired > 0) _acquired();
    }

    /// <summary>Stops the rounds and releases every lease held, so other instances take them at once. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        string[] held;
        lock (_held)
        {
            held = [.. _held, .. _handOvers.Giving];
            _held.Clear();
        }

        try
        {
            foreach (var shard in held) await _store.ReleaseAsync(Key(shard), CancellationToken.None).ConfigureAwait(false);
            if (held.Length > 0) KinesisLog.LeasesReleased(_logger, _stream, held.Length);
        }
        catch (Exception ex)
        {
            // The leases expire instead; nothing is lost, the hand-over only waits longer.
            KinesisLog.LeaseRoundFailed(_logger, ex, _stream, ex.Message, (long)_options.Duration.TotalMilliseconds);
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = failures == 0 ? _options.RenewInterval : _retry.Before(failures);
            try
            {
                using var timeout = new CancellationTokenSource(wait, _time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                await _wake.WaitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The interval is up.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await RunRoundAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = _retry.Before(++failures);
                KinesisLog.LeaseRoundFailed(_logger, ex, _stream, ex.Message, (long)delay.TotalMilliseconds);
            }
        }
    }

    private PartitionKey Key(string shardId) => new(_transport, _stream, shardId);
}
