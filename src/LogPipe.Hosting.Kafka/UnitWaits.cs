using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// How <see cref="KafkaRecordSource"/>'s read-ahead thread waits for the consumer service's unit in flight
/// (<see cref="CommitOrderedCheckpoints"/>): in a revocation, before an assignment's checkpoint read, and before polling.
/// No wait lasts past <see cref="PatienceMs"/> from the unit's start, half of <c>max.poll.interval.ms</c>: librdkafka
/// counts a poll as ongoing while a rebalance callback runs and while the read-ahead polls, so a unit stuck in its save
/// would otherwise keep this member in the group, holding its partitions, forever (when the service's own thread polled
/// between units, the stuck unit stopped the polls and <c>max.poll.interval.ms</c> took the member out).
/// </summary>
internal sealed class UnitWaits(CommitOrderedCheckpoints? unitOrder, long maxPollIntervalMs, string topic, ILogger logger)
{
    /// <summary>How long a unit may have been applying before this member stops waiting for it.</summary>
    public long PatienceMs => maxPollIntervalMs / 2;

    /// <summary>Stops polling while a unit has been applying longer than <see cref="PatienceMs"/>, until it ends.</summary>
    public void PauseWhileUnitIsLong(CancellationToken closing)
    {
        if (unitOrder?.Current is not { } unit || unit.Released.IsCompleted) return;
        var applying = Environment.TickCount64 - unit.StartedAt;
        if (applying <= PatienceMs) return;
        KafkaLog.ReadAheadPausedForLongUnit(logger, topic, applying, maxPollIntervalMs);
        unit.Released.WaitAsync(closing).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The checkpoint read of newly assigned partitions waits for the unit in flight (it may have applied records of them
    /// before they were revoked under it), but no longer than <see cref="PatienceMs"/> from the unit's start. A unit that
    /// outlasts it ends the read-ahead with an error (event 2026): the member stops polling and leaves the group, and the
    /// consumer service faults once the unit ends, rather than start the partitions where a late commit could make their
    /// records apply twice.
    /// </summary>
    public void WaitBeforeAssigning(List<PartitionKey> keys, CancellationToken stopping)
    {
        if (unitOrder?.Current is not { } unit || unit.Released.IsCompleted) return;
        var applied = Environment.TickCount64 - unit.StartedAt;
        if (applied < PatienceMs && unit.Released.Wait(TimeSpan.FromMilliseconds(PatienceMs - applied), stopping)) return;
        var names = string.Join(",", keys.Select(k => k.Partition));
        applied = Environment.TickCount64 - unit.StartedAt;
        KafkaLog.AssignedDuringLongUnit(logger, topic, names, applied, maxPollIntervalMs);
        throw new InvalidOperationException(
            $"{topic} partitions {names} were assigned while a unit of work had been applying for {applied} ms, more than half of "
            + $"max.poll.interval.ms ({maxPollIntervalMs} ms): this member stops reading so that the group moves its partitions on.");
    }

    /// <summary>
    /// Runs <paramref name="revoke"/> once the units gathered before it committed (events 2025, and 2023 when one outlasts
    /// <see cref="PatienceMs"/>); at once without a unit order (the source is used without the consumer service).
    /// </summary>
    public void Revoke(IReadOnlyList<int> partitions, Action revoke, CancellationToken stopping)
    {
        if (unitOrder is null)
        {
            revoke();
            return;
        }

        var names = string.Join(",", partitions);
        var waited = unitOrder.Revoke(
            revoke,
            TimeSpan.FromMilliseconds(PatienceMs),
            applied => KafkaLog.RevocationWaitsForUnit(logger, topic, names, (long)applied.TotalMilliseconds),
            stopping);
        if (!waited) KafkaLog.RevokedDuringLongUnit(logger, topic, names, Environment.TickCount64 - unitOrder.Current.StartedAt);
    }
}
