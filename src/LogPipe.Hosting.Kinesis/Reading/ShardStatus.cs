namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>Where a shard is in its life as this process reads it.</summary>
internal enum ShardStatus
{
    /// <summary>Known, but a parent still has records to apply: not read yet.</summary>
    Waiting,

    /// <summary>A reader is reading it (or is at the end of a closed shard with records still to apply).</summary>
    Reading,

    /// <summary>Closed, read to its end, and its last record applied: its children may start.</summary>
    Finished,
}
