using System.Runtime.ExceptionServices;

namespace LogPipe.Hosting.Internal;

/// <summary>
/// Runs independent per-item CPU work (decoding a unit's records, encoding a batch's models) on two threads when there
/// is enough of it: the calling thread and a pool thread take chunks of items from a shared counter until none is left.
/// </summary>
/// <remarks>
/// The caller never waits for the pool thread to start: on two cores the pool's other thread is often busy (a unit's
/// commit blocks in SQLite's fsync there), and a fixed half queued behind it made the consumer loop wait for that commit
/// before it could decode. A helper that starts late finds the items taken and does nothing; the caller waits only for
/// the chunk a started helper is in.
/// </remarks>
internal static class TwoThreads
{
    /// <summary>Items taken at a time: small enough to share a unit evenly, large enough that the counter costs nothing.</summary>
    internal const int Chunk = 16;

    /// <summary>Runs <paramref name="range"/> over [0, <paramref name="count"/>), on two threads from <paramref name="threshold"/> items on.</summary>
    /// <param name="count">How many items.</param>
    /// <param name="threshold">Fewer items than this run on the calling thread alone: the hand-off would cost more than it saves.</param>
    /// <param name="range">Does the items from the first index (inclusive) to the second (exclusive); called with disjoint ranges, concurrently.</param>
    /// <param name="helperScheduler">Where the helper runs: the thread pool unless a test says otherwise.</param>
    /// <remarks>If ranges fail, the exception of the earliest failing range is thrown; every item is still attempted.</remarks>
    public static async Task RunAsync(int count, int threshold, Action<int, int> range, TaskScheduler? helperScheduler = null)
    {
        if (count < threshold || Environment.ProcessorCount < 2)
        {
            range(0, count);
            return;
        }

        var work = new SharedRange(count, range);
        var helper = Task.Factory.StartNew(static state => ((SharedRange)state!).Help(), work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, helperScheduler ?? TaskScheduler.Default);
        work.Run();
        if (work.HelperEntered()) await helper.ConfigureAwait(false);
        work.ThrowIfFailed();
    }

    /// <summary>The items, the counter both threads take chunks from, and the earliest failure.</summary>
    private sealed class SharedRange(int count, Action<int, int> range)
    {
        private readonly object _gate = new();
        private int _next;
        private int _helper; // 0: not started, 1: started, 2: the caller finished without it, so it must take nothing.
        private int _failedAt = int.MaxValue;
        private Exception? _failure;

        /// <summary>The caller's part: chunks until none is left.</summary>
        public void Run() => Take();

        /// <summary>The helper's part, unless the caller finished before it started.</summary>
        public void Help()
        {
            if (Interlocked.CompareExchange(ref _helper, 1, 0) != 0) return;
            Take();
        }

        /// <summary>After the caller's part: whether the helper started (and must be waited for); if not, it never will.</summary>
        public bool HelperEntered() => Interlocked.CompareExchange(ref _helper, 2, 0) == 1;

        public void ThrowIfFailed()
        {
            if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
        }

        private void Take()
        {
            while (true)
            {
                var from = Interlocked.Add(ref _next, Chunk) - Chunk;
                if (from >= count) return;
                var to = Math.Min(from + Chunk, count);
                try
                {
                    range(from, to);
                }
                catch (Exception ex)
                {
                    lock (_gate)
                    {
                        if (from < _failedAt)
                        {
                            _failedAt = from;
                            _failure = ex;
                        }
                    }
                }
            }
        }
    }
}
