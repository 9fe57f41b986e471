using System.Runtime.ExceptionServices;

namespace LogPipe.Hosting.Internal;

/// <summary>
/// Runs independent per-item CPU work (decoding a unit's records, encoding a batch's models) on two threads when there
/// is enough of it: the calling thread takes the first half, a pool thread the second.
/// </summary>
internal static class TwoThreads
{
    /// <summary>Runs <paramref name="range"/> over [0, <paramref name="count"/>), split in two halves from <paramref name="threshold"/> items on.</summary>
    /// <param name="count">How many items.</param>
    /// <param name="threshold">Fewer items than this run on the calling thread alone: the hand-off would cost more than it saves.</param>
    /// <param name="range">Does the items from the first index (inclusive) to the second (exclusive).</param>
    /// <remarks>If both halves fail, the first half's exception is thrown: it is about the earlier item.</remarks>
    public static async Task RunAsync(int count, int threshold, Action<int, int> range)
    {
        if (count < threshold || Environment.ProcessorCount < 2)
        {
            range(0, count);
            return;
        }

        var half = count / 2;
        var secondHalf = Task.Run(() => range(half, count));
        Exception? failure = null;
        try
        {
            range(0, half);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            await secondHalf.ConfigureAwait(false);
        }
        catch (Exception) when (failure is not null)
        {
            // Reported below instead: the first half's failure names the earlier item.
        }

        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }
}
