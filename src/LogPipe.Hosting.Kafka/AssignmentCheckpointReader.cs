using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Reads the checkpoints of newly assigned partitions inside librdkafka's assignment callback. librdkafka wants the start
/// offsets before the callback returns, and the callback runs inside <c>Consume</c> on the consumer service's thread: this
/// is the one place a checkpoint read blocks. A store that is down is waited for (200 ms doubling up to 5 s between reads,
/// for at most <see cref="Patience"/>): starting anywhere but the stored checkpoint would apply records twice. Neither way
/// out assigns the partitions: the exception thrown leaves the callback, Confluent.Kafka rethrows it from <c>Consume</c>,
/// and the partitions stay unstarted.
/// <list type="bullet">
/// <item>Stopping ends the wait at once with <see cref="OperationCanceledException"/> (event 2021), which the consumer loop,
/// stopping too, takes for the end of its run.</item>
/// <item>After <see cref="Patience"/> the read's last error is rethrown: the consumer loop faults and the host stops
/// (event 2022), rather than wait past <c>max.poll.interval.ms</c> and be dropped from the group.</item>
/// </list>
/// </summary>
internal sealed class AssignmentCheckpointReader
{
    /// <summary>How long newly assigned partitions wait for their checkpoints: well below librdkafka's <c>max.poll.interval.ms</c> (5 min).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly string _topic;
    private readonly ICheckpointStore _checkpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AssignmentCheckpointReader(string topic, ICheckpointStore checkpoints, TimeProvider time, ILogger logger)
    {
        _topic = topic;
        _checkpoints = checkpoints;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads the partitions' checkpoints, blocking, waiting out a store that fails.</summary>
    /// <param name="partitions">The newly assigned partitions.</param>
    /// <param name="stopping">Fires when the consumer stops or the source is disposed.</param>
    /// <returns>The stored checkpoints; partitions without one are absent.</returns>
    public IReadOnlyDictionary<PartitionKey, Checkpoint> Read(IReadOnlyList<PartitionKey> partitions, CancellationToken stopping)
    {
        var delay = FirstDelay;
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                stopping.ThrowIfCancellationRequested();
                return _checkpoints.ReadAsync(partitions, stopping).ConfigureAwait(false).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested && ex is not OperationCanceledException)
            {
                var waited = _time.GetElapsedTime(started);
                if (waited >= Patience)
                {
                    KafkaLog.CheckpointWaitGaveUp(_logger, ex, _topic, Describe(partitions), (long)waited.TotalMilliseconds);
                    throw;
                }

                // The wait is armed before it is logged, so whoever sees the log may move the clock past it.
                var backoff = Task.Delay(delay, _time, stopping);
                KafkaLog.CheckpointReadFailed(_logger, ex, _topic, (long)delay.TotalMilliseconds);
                try
                {
                    backoff.ConfigureAwait(false).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    // Stopped while waiting: the next turn of the loop says so.
                }

                delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Whatever the read was doing when the stop came (a connection attempt, a command), the consumer is stopping.
                KafkaLog.CheckpointWaitStopped(_logger, _topic, Describe(partitions));
                throw new OperationCanceledException("The consumer stopped while waiting for the checkpoints of its newly assigned partitions.", stopping);
            }
        }
    }

    private static string Describe(IReadOnlyList<PartitionKey> partitions) => string.Join(",", partitions.Select(k => k.Partition));
}
