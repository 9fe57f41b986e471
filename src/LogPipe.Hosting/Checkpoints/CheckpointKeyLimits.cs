namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// The longest values the parts of a checkpoint's key may have: the column lengths of the <c>LogPipeCheckpoints</c> and
/// <c>LogPipeDeadLetters</c> tables. Checked at startup, so a name that does not fit fails there with its key named, not
/// at the first checkpoint write.
/// </summary>
internal static class CheckpointKeyLimits
{
    /// <summary>Longest consumer group name (<c>LogPipe:ConsumerGroup</c>).</summary>
    public const int ConsumerGroup = 200;

    /// <summary>Longest transport name.</summary>
    public const int Transport = 100;

    /// <summary>Longest topic or stream name.</summary>
    public const int Stream = 255;

    /// <summary>Longest partition or shard id.</summary>
    public const int Partition = 128;
}
