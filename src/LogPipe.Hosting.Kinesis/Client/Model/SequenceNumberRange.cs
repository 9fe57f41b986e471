namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// The sequence numbers a shard spans. An open shard has no ending sequence number; a shard
/// closed by a split or merge has one, and its records must be read before its children's.
/// </summary>
internal sealed class SequenceNumberRange
{
    /// <summary>The first sequence number of the shard.</summary>
    public string? StartingSequenceNumber { get; set; }

    /// <summary>The last sequence number of the shard; <see langword="null"/> while the shard is open.</summary>
    public string? EndingSequenceNumber { get; set; }
}
