using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// The shards of one stream and who descends from whom, so that a child is read only after its parents are finished:
/// a key's records before a split or merge are in the parent, those after it in a child, and applying them in that order
/// keeps the key's order. Not thread-safe; the source guards it.
/// </summary>
internal sealed class ShardLineage
{
    private readonly Dictionary<string, ShardState> _shards = new(StringComparer.Ordinal);

    public int Count => _shards.Count;

    public IEnumerable<ShardState> All => _shards.Values;

    public ShardState? Find(string shardId) => _shards.GetValueOrDefault(shardId);

    /// <summary>Adds the listed shards not known yet.</summary>
    /// <returns>The new shards.</returns>
    public List<ShardState> Add(IEnumerable<Shard> listed, ShardStart startWithoutCheckpoint)
    {
        var added = new List<ShardState>();
        foreach (var shard in listed)
        {
            if (shard.ShardId is not { } id || _shards.ContainsKey(id)) continue;
            var parents = new[] { shard.ParentShardId, shard.AdjacentParentShardId }.OfType<string>().Where(p => p.Length > 0).ToArray();
            var state = new ShardState(id, parents, startWithoutCheckpoint);
            _shards.Add(id, state);
            added.Add(state);
        }

        return added;
    }

    /// <summary>
    /// Waiting shards whose parents are all finished — or not listed at all any more (older than the stream's retention,
    /// so nothing of them is left to read).
    /// </summary>
    public List<ShardState> Startable() =>
        _shards.Values
            .Where(s => s.Status == ShardStatus.Waiting && MayStart(s.ShardId))
            .OrderBy(s => s.ShardId, StringComparer.Ordinal)
            .ToList();

    /// <summary>Marks waiting shards finished (another instance finished them); <see langword="true"/> when any changed.</summary>
    public bool MarkFinished(IEnumerable<string> shardIds)
    {
        var changed = false;
        foreach (var id in shardIds)
        {
            if (Find(id) is not { Status: ShardStatus.Waiting } state) continue;
            state.Status = ShardStatus.Finished;
            changed = true;
        }

        return changed;
    }

    /// <summary>Whether a listed shard may be read now: not finished, and every parent finished or no longer listed.</summary>
    public bool MayStart(string shardId) =>
        Find(shardId) is { Status: not ShardStatus.Finished } state
        && state.Parents.All(p => !_shards.TryGetValue(p, out var parent) || parent.Status == ShardStatus.Finished);

    /// <summary>
    /// Sets where each shard starts without a checkpoint, the first time the stream is listed: the configured initial
    /// position for shards that this consumer group never read and that descend only from such shards; the beginning
    /// (<c>TRIM_HORIZON</c>) for a shard under one the group has read, so nothing written after the parent is skipped.
    /// </summary>
    public void PinInitialStarts(Func<string, bool> hasCheckpoint, ShardStart initial)
    {
        var fresh = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var state in _shards.Values) state.StartWithoutCheckpoint = IsFresh(state) ? initial : ShardStart.TrimHorizon;

        bool IsFresh(ShardState state)
        {
            if (fresh.TryGetValue(state.ShardId, out var known)) return known;
            var result = !hasCheckpoint(state.ShardId)
                && state.Parents.All(p => !_shards.TryGetValue(p, out var parent) || IsFresh(parent));
            fresh[state.ShardId] = result;
            return result;
        }
    }
}
