using System.Collections.Concurrent;
using LogPipe.Hosting.Checkpoints;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// The life of a shard's readers: a reader starts a new generation of its shard (after the checkpoint, or where the shard
/// starts without one), is retired when the shard is rewound or its lease lost (its queued records are no longer handed
/// out, nor current), and the shard is finished once its reader is at the end and the last record it queued is applied.
/// Not thread-safe: the source calls every method under its lock, except <see cref="IsCurrent"/>, which reads a
/// concurrent map from the consumer service's thread.
/// </summary>
internal sealed class ShardReaders
{
    private readonly ShardReadContext _context;
    private readonly ShardQueues _queues;
    private readonly Action<ShardReader> _ended;
    private readonly Action<string> _finished;
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private long _lastGeneration;

    /// <param name="context">What every reader shares.</param>
    /// <param name="queues">Where the readers' queues are drained.</param>
    /// <param name="ended">Called by a reader that reached the end of its closed shard.</param>
    /// <param name="finished">Called with a shard that was finished here.</param>
    public ShardReaders(ShardReadContext context, ShardQueues queues, Action<ShardReader> ended, Action<string> finished)
    {
        _context = context;
        _queues = queues;
        _ended = ended;
        _finished = finished;
    }

    /// <summary>Whether <paramref name="generation"/> is the current one of <paramref name="shardId"/>.</summary>
    public bool IsCurrent(string shardId, long generation) => _generations.TryGetValue(shardId, out var current) && current == generation;

    /// <summary>Starts a new generation of a shard's reader, after its checkpoint or where it starts without one.</summary>
    public ShardReader Start(ShardState state, Checkpoint? checkpoint, ShardReader? replacing)
    {
        var sequence = checkpoint?.SequenceNumber;
        var start = sequence is null ? state.StartWithoutCheckpoint : ShardStart.After(sequence);
        var generation = ++_lastGeneration;
        var reader = new ShardReader(_context, state.ShardId, generation, start, checkpoint?.NextOffset ?? 0, sequence, _ended);
        state.Reader = reader;
        state.Status = ShardStatus.Reading;
        state.CommittedSequence = sequence;
        _generations[state.ShardId] = generation;
        _queues.Add(reader.Records, replacing: replacing?.Records);
        reader.Start();
        return reader;
    }

    /// <summary>
    /// Takes a shard's reader out (its queued records are no longer handed out, nor current) and lets the shard wait to be
    /// started again where its reader would have started. The caller stops the reader.
    /// </summary>
    public void Retire(ShardState state)
    {
        state.StartWithoutCheckpoint = state.Reader!.StartWithoutCheckpoint;
        _queues.Remove(state.Reader.Records);
        state.Status = ShardStatus.Waiting;
        state.Reader = null;
        _generations[state.ShardId] = ++_lastGeneration;
    }

    /// <summary>Marks a shard finished once its reader is at the end and its last queued record is applied.</summary>
    /// <returns>Whether it was finished now.</returns>
    public bool FinishIfDrained(ShardState state)
    {
        if (state.Status != ShardStatus.Reading || !state.IsDrained) return false;
        state.Status = ShardStatus.Finished;
        _queues.Remove(state.Reader?.Records);
        KinesisLog.ShardFinished(_context.Logger, _context.Stream, state.ShardId);
        _finished(state.ShardId);
        return true;
    }
}
