namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>Counts records committed by LogPipe's units of work and wakes whoever waits for a total.</summary>
public sealed class ApplyProgress
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _target = long.MaxValue;
    private long _applied;
    private long _failed;
    private long _units;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<PartitionKey, long> _committed = new();

    /// <summary>
    /// When set, every checkpoint a committed unit moved, with the time (<see cref="System.Diagnostics.Stopwatch"/>
    /// ticks) right after the commit: the latency phases find each record's commit in it.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<(PartitionKey Partition, long NextOffset, long CommittedAt)>? CommitLog { get; init; }

    /// <summary>Records applied and committed so far.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Records that were not applied (message errors, dead letters) so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Units of work committed so far.</summary>
    public long Units => Interlocked.Read(ref _units);

    /// <summary>
    /// Notes that a committed unit moved <paramref name="partition"/>'s checkpoint to <paramref name="nextOffset"/>, and
    /// returns by how many records, whichever instance moved it before (a shard changes hands between instances).
    /// </summary>
    public long MoveTo(PartitionKey partition, long nextOffset)
    {
        CommitLog?.Enqueue((partition, nextOffset, System.Diagnostics.Stopwatch.GetTimestamp()));
        var moved = 0L;
        _committed.AddOrUpdate(partition, _ => moved = nextOffset, (_, before) =>
        {
            moved = Math.Max(0, nextOffset - before);
            return Math.Max(before, nextOffset);
        });
        return moved;
    }

    /// <summary>Adds what one committed unit of work applied and failed.</summary>
    public void Committed(int applied, int failed)
    {
        Interlocked.Increment(ref _units);
        Interlocked.Add(ref _failed, failed);
        if (Interlocked.Add(ref _applied, applied) + Failed >= Interlocked.Read(ref _target)) _reached.TrySetResult();
    }

    /// <summary>Waits until <paramref name="total"/> records were committed (applied or failed).</summary>
    public async Task WaitForAsync(long total, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _target, total);
        if (Applied + Failed >= total) return;
        try
        {
            await _reached.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Only {Applied} of {total} records were applied (and {Failed} failed) within {timeout}.");
        }
    }
}
