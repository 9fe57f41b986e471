using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The checkpoint store as the sources see it, and the order between the consumer loop's units of work and what sources
/// do on threads of their own (Kafka's read-ahead runs its rebalance callbacks there, Kinesis reads shards in the
/// background) while units apply and commit.
/// <list type="bullet">
/// <item>A read (a partition assigned, a shard started, a rewind) waits for the unit in flight — from the start of its
/// apply until its commit is settled — so it sees that unit's checkpoints and versions. Otherwise a partition taken away
/// and given back during a unit would restart before the unit's records and apply them again.</item>
/// <item>A revocation (<see cref="Revoke"/>) waits for every unit gathered before it began, so those units commit their
/// records and checkpoints (and, with group offsets, commit them to the group) before the partitions are handed over; units
/// gathered after it began hold none of them (the source is an <see cref="Transport.IRevokingSource"/>).</item>
/// </list>
/// </summary>
/// <remarks>
/// Units follow one another: the loop settles a unit before it starts applying the next, so at most one is in flight. The
/// loop releases a unit before it rewinds any partition (a rewind reads checkpoints through this too).
/// </remarks>
internal sealed class CommitOrderedCheckpoints(ICheckpointStore inner) : ICheckpointStore
{
    private static readonly UnitInFlight None = Released();

    private readonly object _units = new();
    private volatile UnitInFlight _inFlight = None;
    private long _revocationEpoch;

    public bool SupportsOverlappedCommits => inner.SupportsOverlappedCommits;

    public bool KeepsPositionsInTransport => inner.KeepsPositionsInTransport;

    public IShardLeaseStore? ShardLeases => inner.ShardLeases;

    /// <summary>Counts revocations begun: the loop reads it before gathering a unit (<see cref="UnitStarted"/>).</summary>
    public long RevocationEpoch => Interlocked.Read(ref _revocationEpoch);

    /// <summary>The unit started last: released unless one is in flight now.</summary>
    public UnitInFlight Current => _inFlight;

    /// <summary>A unit begins to apply: reads from now on wait until <see cref="UnitInFlight.Release"/> is called.</summary>
    /// <param name="gatheredInEpoch"><see cref="RevocationEpoch"/> read before the unit was gathered.</param>
    public UnitInFlight UnitStarted(long gatheredInEpoch)
    {
        var unit = new UnitInFlight(gatheredInEpoch);
        lock (_units) _inFlight = unit;
        return unit;
    }

    /// <summary>Completes when the unit in flight now (if any) is released; a unit started later is not waited for.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitForUnitAsync(CancellationToken cancellationToken)
    {
        var inFlight = _inFlight.Released;
        return inFlight.IsCompleted ? Task.CompletedTask : inFlight.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="revoke"/> once no unit gathered before this call is being applied or committed, at a moment no
    /// unit can start: a unit gathered earlier that starts afterwards finds its records of the revoked partitions stale. The
    /// caller has already stopped those partitions from being gathered. Blocks the calling thread (a rebalance callback).
    /// </summary>
    /// <param name="revoke">Marks the partitions revoked.</param>
    /// <param name="patience">How long a unit may have been applying before the revocation stops waiting for it.</param>
    /// <param name="waiting">Called once, with the time the unit has applied so far, if the revocation has to wait.</param>
    /// <param name="cancellationToken">Stops waiting (the consumer stops): the partitions are revoked at once.</param>
    /// <returns><see langword="false"/> when a unit outlasted <paramref name="patience"/> and the partitions were revoked under it.</returns>
    public bool Revoke(Action revoke, TimeSpan patience, Action<TimeSpan> waiting, CancellationToken cancellationToken)
    {
        // Units gathered from now on carry this epoch or a later one, and hold none of the partitions.
        var epoch = Interlocked.Increment(ref _revocationEpoch);
        var told = false;
        while (true)
        {
            UnitInFlight unit;
            lock (_units)
            {
                unit = _inFlight;
                if (unit.Released.IsCompleted || unit.GatheredInEpoch >= epoch)
                {
                    revoke();
                    return true;
                }
            }

            var applied = TimeSpan.FromMilliseconds(Environment.TickCount64 - unit.StartedAt);
            if (!told)
            {
                waiting(applied);
                told = true;
            }

            bool released;
            try
            {
                released = applied < patience && unit.Released.Wait(patience - applied, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                released = false;
            }

            if (!released)
            {
                lock (_units) revoke();
                return cancellationToken.IsCancellationRequested;
            }
        }
    }

    public async Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken)
    {
        // How the unit ended does not matter here, only that it did: the read then sees what it left.
        await WaitForUnitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return await inner.ReadAsync(partitions, cancellationToken).ConfigureAwait(false);
    }

    public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) => inner.BeginAsync(services, cancellationToken);

    private static UnitInFlight Released()
    {
        var unit = new UnitInFlight(0);
        unit.Release();
        return unit;
    }
}
