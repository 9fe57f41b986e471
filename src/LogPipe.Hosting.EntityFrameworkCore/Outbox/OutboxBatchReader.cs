using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Reads the relay's next batch: the lowest entries waiting to be sent, leaving out the batch still in flight and set-aside
/// entries. Always from the lowest id, never after a cursor: a transaction that took a lower id and committed after a
/// higher one was read would otherwise be passed over, and sent after a later change of its key.
/// </summary>
internal static class OutboxBatchReader
{
    /// <summary>The next batch of at most <paramref name="batchSize"/> entries; <see langword="null"/> when none waits.</summary>
    /// <remarks>
    /// The batch in flight is still in the table. Its id range is left out of the read, so its rows are not read (and
    /// materialised) a second time for every batch; any other id in that range (one committed late, or set aside) must
    /// then not be missed. When the batch's ids are contiguous there can be none. Otherwise the range's ids are counted
    /// <em>after</em> the read: a later change of a key commits after an earlier one, so if the read saw the later one, the
    /// count sees the earlier one, and a count above the batch's sends the relay to a read that leaves out exactly the
    /// batch's ids.
    /// </remarks>
    public static async Task<OutboxBatch?> ReadAsync(DbContext db, int batchSize, IReadOnlyList<LogPipeOutboxEntry>? inFlight)
    {
        if (inFlight is not { Count: > 0 }) return await ReadExcludingAsync(db, batchSize, []).ConfigureAwait(false);
        long first = inFlight[0].Id, last = inFlight[^1].Id;
        var limit = batchSize;
        while (true)
        {
            var rows = await OutboxRelayStore.ReadOutsideAsync(db, OutboxRelayStore.Head, first, last, limit, CancellationToken.None).ConfigureAwait(false);
            // In id order (as read), so a span as long as the batch means no other id lies in it.
            var contiguous = last - first + 1 == inFlight.Count;
            if (!contiguous && await OutboxRelayStore.CountBetweenAsync(db, first, last, CancellationToken.None).ConfigureAwait(false) != inFlight.Count)
            {
                return await ReadExcludingAsync(db, batchSize, inFlight).ConfigureAwait(false);
            }

            var waiting = Waiting(rows, batchSize, null);
            if (waiting.Count > 0) return new OutboxBatch(waiting, waiting[^1].Id);
            if (rows.Count < limit) return null;
            limit += batchSize;
        }
    }

    /// <summary>Reads from the head and leaves out exactly <paramref name="inFlight"/>'s ids in the process.</summary>
    private static async Task<OutboxBatch?> ReadExcludingAsync(DbContext db, int batchSize, IReadOnlyList<LogPipeOutboxEntry> inFlight)
    {
        var skip = new HashSet<long>(inFlight.Count);
        foreach (var row in inFlight) skip.Add(row.Id);
        var limit = batchSize + skip.Count;
        while (true)
        {
            var rows = await OutboxRelayStore.ReadAfterAsync(db, OutboxRelayStore.Head, limit, CancellationToken.None).ConfigureAwait(false);
            var waiting = Waiting(rows, batchSize, skip);
            if (waiting.Count > 0) return new OutboxBatch(waiting, waiting[^1].Id);
            if (rows.Count < limit) return null;
            limit += batchSize;
        }
    }

    private static List<LogPipeOutboxEntry> Waiting(List<LogPipeOutboxEntry> rows, int batchSize, HashSet<long>? skip)
    {
        var waiting = new List<LogPipeOutboxEntry>(Math.Min(rows.Count, batchSize));
        foreach (var row in rows)
        {
            if (row.SetAsideAt is not null || (skip is not null && skip.Contains(row.Id))) continue;
            waiting.Add(row);
            if (waiting.Count == batchSize) break;
        }

        return waiting;
    }
}
