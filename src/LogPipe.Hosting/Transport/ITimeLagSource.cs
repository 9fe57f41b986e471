namespace LogPipe.Hosting.Transport;

/// <summary>
/// A source that knows, per partition it reads, how far behind the newest record of that partition its reading is, in
/// time (Kinesis: <c>MillisBehindLatest</c> of the last GetRecords answer). The health check applies
/// <c>LogPipe:Health:MaxTimeBehindLatest</c> to it.
/// </summary>
/// <remarks>Extension point for transport authors, for transports that measure lag in time rather than in offsets (for
/// those, see <see cref="ILogEndSource"/>). See docs/extending.md.</remarks>
public interface ITimeLagSource
{
    /// <summary>Each partition being read, with how far its reading is behind its newest record, as last reported.</summary>
    /// <returns>One entry per partition whose lag is known; empty before the first answer.</returns>
    IReadOnlyList<KeyValuePair<PartitionKey, TimeSpan>> TimeBehindLatest();
}
