namespace LogPipe.Hosting.Kinesis.Sending;

/// <summary>
/// Decides which records go into the next PutRecords calls so that records with the same partition key are stored in the
/// order they were sent. PutRecords stores the entries of one call independently: if two entries with one key shared a
/// call and the first failed, the second would be stored first and the retried first one after it. So each wave of calls
/// holds at most one record per key — the earliest not yet stored — and a record waits until the one before it with the
/// same key is stored. Records with different keys share waves and calls freely, so distinct keys lose no throughput.
/// </summary>
internal static class PutBatchPlanner
{
    /// <summary>The earliest unsettled record of every key whose retry time has come, in send order.</summary>
    /// <param name="pending">Unsettled records in send order.</param>
    /// <param name="now">The current time.</param>
    /// <param name="nextDue">When the earliest waiting record is due, if the wave is empty because all wait.</param>
    public static List<PendingPut> NextWave(IReadOnlyList<PendingPut> pending, DateTimeOffset now, out DateTimeOffset? nextDue)
    {
        var wave = new List<PendingPut>();
        var keysTaken = new HashSet<string>(StringComparer.Ordinal);
        nextDue = null;
        foreach (var put in pending)
        {
            if (put.IsSettled || !keysTaken.Add(put.PartitionKey)) continue;
            if (put.NotBefore > now)
            {
                if (nextDue is null || put.NotBefore < nextDue) nextDue = put.NotBefore;
                continue;
            }

            wave.Add(put);
        }

        return wave;
    }

    /// <summary>Splits a wave into calls within the service limits (500 records, 5 MiB), keeping the order.</summary>
    public static List<List<PendingPut>> Calls(IReadOnlyList<PendingPut> wave)
    {
        var calls = new List<List<PendingPut>>();
        var current = new List<PendingPut>();
        long bytes = 0;
        foreach (var put in wave)
        {
            if (current.Count == PutRecordsLimits.MaxRecordsPerCall || (current.Count > 0 && bytes + put.Size > PutRecordsLimits.MaxBytesPerCall))
            {
                calls.Add(current);
                current = [];
                bytes = 0;
            }

            current.Add(put);
            bytes += put.Size;
        }

        if (current.Count > 0) calls.Add(current);
        return calls;
    }
}
