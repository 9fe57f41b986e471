using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Leases;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// Finds a stream's shards: lists them (every page), adds the new ones to the lineage and gives them leases. The first
/// successful listing also pins where each shard starts without a checkpoint (<see cref="ShardLineage.PinInitialStarts"/>).
/// The lineage is guarded by the source's lock, which this takes around every change of it.
/// </summary>
internal sealed class ShardDiscovery
{
    private readonly ShardReadContext _context;
    private readonly ShardLineage _lineage;
    private readonly object _gate;

    /// <param name="context">The client, stream, settings and log.</param>
    /// <param name="lineage">Where the shards are kept.</param>
    /// <param name="gate">The source's lock, which guards <paramref name="lineage"/>.</param>
    public ShardDiscovery(ShardReadContext context, ShardLineage lineage, object gate)
    {
        _context = context;
        _lineage = lineage;
        _gate = gate;
    }

    /// <summary>Whether the shards were listed once.</summary>
    public bool Listed { get; private set; }

    /// <summary>Lists the shards and adds new ones, with a free lease each when <paramref name="leases"/> are kept.</summary>
    /// <returns><see langword="false"/> when the listing failed (logged; the coordinator tries again).</returns>
    public async Task<bool> DiscoverAsync(ICheckpointStore checkpoints, ShardLeaseKeeper? leases, CancellationToken cancellationToken)
    {
        IReadOnlyList<Shard> shards;
        try
        {
            shards = await _context.Client.ListAllShardsAsync(_context.Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisException ex)
        {
            KinesisLog.DiscoveryFailed(_context.Logger, _context.Stream, ex.ErrorCode ?? "NoAnswer", ex.Message, (long)_context.Options.ShardDiscoveryInterval.TotalMilliseconds);
            return false;
        }

        if (!Listed)
        {
            lock (_gate) _lineage.Add(shards, ShardStart.TrimHorizon);
            var keys = shards.Where(s => s.ShardId is not null).Select(s => Key(s.ShardId!)).ToList();
            var stored = await checkpoints.ReadAsync(keys, cancellationToken).ConfigureAwait(false);
            lock (_gate) _lineage.PinInitialStarts(id => stored.TryGetValue(Key(id), out var c) && c.SequenceNumber is not null, ShardStart.Initial(_context.Options));
            if (leases is not null) await leases.AddAsync(keys.Select(k => k.Partition), cancellationToken).ConfigureAwait(false);
            Listed = true;
            return true;
        }

        List<ShardState> added;
        lock (_gate) added = _lineage.Add(shards, ShardStart.TrimHorizon);
        if (added.Count > 0) KinesisLog.ShardsDiscovered(_context.Logger, _context.Stream, string.Join(", ", added.Select(s => s.ShardId)));
        if (added.Count > 0 && leases is not null) await leases.AddAsync(added.Select(s => s.ShardId), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private PartitionKey Key(string shardId) => new(_context.CheckpointScope, _context.Stream, shardId);
}
