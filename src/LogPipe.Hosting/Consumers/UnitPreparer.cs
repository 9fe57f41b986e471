using System.Buffers;
using LogPipe.Hosting.Internal;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Decodes and checks every record of a unit (nothing touches the database yet). Decoding is pure CPU and independent
/// per record, and in a busy consumer it was a quarter of the loop's time on one core: large units decode their second
/// half on another thread meanwhile. The records are decoded into an array from the shared pool, given back once the
/// unit is applied: a prepared record is about 120 bytes, so a unit's array was the loop's largest allocation, and from
/// about 700 records a unit a large-object one (units of 2,000 records ran a gen-2 collection every other unit).
/// </summary>
internal static class UnitPreparer
{
    /// <summary>Units this large decode on two threads; below it the hand-off costs more than it saves.</summary>
    private const int ParallelPrepareThreshold = 64;

    /// <summary>Decodes the unit's records into the first <c>unit.Count</c> items of a pooled array; see <see cref="Return"/>.</summary>
    public static async Task<PreparedRecord[]> PrepareAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit)
    {
        var prepared = unit.Count == 0 ? [] : ArrayPool<PreparedRecord>.Shared.Rent(unit.Count);
        await TwoThreads.RunAsync(unit.Count, ParallelPrepareThreshold, (from, to) => PrepareRange(unit, prepared, from, to)).ConfigureAwait(false);
        return prepared;
    }

    /// <summary>
    /// Gives a prepared unit's array back once nothing reads it any more (the unit was applied or put back); cleared, so
    /// the pool keeps no messages alive. Saves that outlive their unit hold copies of their records, never the array.
    /// </summary>
    public static void Return(PreparedRecord[] prepared)
    {
        if (prepared.Length > 0) ArrayPool<PreparedRecord>.Shared.Return(prepared, clearArray: true);
    }

    private static void PrepareRange(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            try
            {
                prepared[i] = unit[i].Consumer.Processor.Prepare(unit[i].Record);
            }
            catch (Exception ex)
            {
                // Decoding runs users' converters: whatever they throw is this record's message error, never the loop's fault.
                prepared[i] = PreparedRecord.Failed(new RecordOutcome(MessageErrorKind.InvalidMessage, $"Decoding failed: {ex.GetType().Name}: {ex.Message}", null, null, ex));
            }
        }
    }
}
