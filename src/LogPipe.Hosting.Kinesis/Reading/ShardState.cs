namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>One known shard of the stream: its parents, its status, its current reader and what of it is applied.</summary>
internal sealed class ShardState
{
    public ShardState(string shardId, IReadOnlyList<string> parents, ShardStart startWithoutCheckpoint)
    {
        ShardId = shardId;
        Parents = parents;
        StartWithoutCheckpoint = startWithoutCheckpoint;
    }

    public string ShardId { get; }

    /// <summary>The shard it was split from, or the two it was merged from; empty for an original shard.</summary>
    public IReadOnlyList<string> Parents { get; }

    public ShardStatus Status { get; set; }

    /// <summary>Where to start when no checkpoint is stored.</summary>
    public ShardStart StartWithoutCheckpoint { get; set; }

    /// <summary>The reader of the current generation, once reading.</summary>
    public ShardReader? Reader { get; set; }

    /// <summary>The sequence number of the last applied (committed) record, or of the checkpoint the reader started from.</summary>
    public string? CommittedSequence { get; set; }

    /// <summary>The reader reached the end of the closed shard and every record it queued has been applied.</summary>
    public bool IsDrained => Reader is { EndReached: true } reader && string.Equals(reader.LastQueuedSequence, CommittedSequence, StringComparison.Ordinal);
}
