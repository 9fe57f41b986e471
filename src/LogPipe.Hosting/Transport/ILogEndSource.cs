namespace LogPipe.Hosting.Transport;

/// <summary>A source that knows the end of the log of the partitions it reads, so lag can be measured.</summary>
/// <remarks>Extension point for transport authors: implement it on an <see cref="IRecordSource"/> so the health check
/// and metrics can report lag. See docs/extending.md.</remarks>
public interface ILogEndSource
{
    /// <summary>The offset after the last record of a partition, as last seen by the transport.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="endOffset">The log end offset.</param>
    /// <returns><see langword="true"/> when known.</returns>
    bool TryGetLogEnd(PartitionKey partition, out long endOffset);
}
