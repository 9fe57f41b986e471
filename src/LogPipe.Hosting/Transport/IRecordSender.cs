namespace LogPipe.Hosting.Transport;

/// <summary>The sending half of a transport. Implementations are thread-safe singletons.</summary>
/// <remarks>Extension point for transport authors: a transport's sending half. See docs/extending.md.</remarks>
public interface IRecordSender
{
    /// <summary>Sends one record and completes when the transport has acknowledged it.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgement.</param>
    /// <returns>Where the record was stored.</returns>
    ValueTask<RecordPosition> SendAsync(OutgoingRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Sends records without waiting for each one in turn and completes when all are acknowledged. Records with the same
    /// key keep their order. If any record fails, the returned task fails with the reason after all others settled.
    /// </summary>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgements.</param>
    /// <returns>Where each record was stored, in input order.</returns>
    ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken);
}
