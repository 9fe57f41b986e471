using LogPipe.Hosting.Internal;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Decodes and checks every record of a unit (nothing touches the database yet). Decoding is pure CPU and independent
/// per record, and in a busy consumer it was a quarter of the loop's time on one core: large units decode their second
/// half on another thread meanwhile.
/// </summary>
internal static class UnitPreparer
{
    /// <summary>Units this large decode on two threads; below it the hand-off costs more than it saves.</summary>
    private const int ParallelPrepareThreshold = 64;

    public static async Task<PreparedRecord[]> PrepareAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit)
    {
        var prepared = new PreparedRecord[unit.Count];
        await TwoThreads.RunAsync(unit.Count, ParallelPrepareThreshold, (from, to) => PrepareRange(unit, prepared, from, to)).ConfigureAwait(false);
        return prepared;
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
