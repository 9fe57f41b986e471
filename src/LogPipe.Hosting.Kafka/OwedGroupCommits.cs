using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// With group offsets, the group commits that failed, by partition (a rebalance in progress, the coordinator moving):
/// owed until a later unit's commit of the partition succeeds, or made in the partition's revocation. A unit's group
/// commit comes from the consumer service's thread while the revocation that waits for it blocks in librdkafka's
/// rebalance callback on the read-ahead thread; a commit refused then ("rebalance in progress") used to be left to the
/// next unit, which never comes for a partition being handed over, so the member that took it applied the unit's records
/// again.
/// </summary>
internal sealed class OwedGroupCommits(string topic, SecretRedactor redactor, ILogger logger)
{
    /// <summary>How long a revocation retries an owed commit: well below <c>max.poll.interval.ms</c>.</summary>
    private const long PatienceMs = 5000;

    private readonly ConcurrentDictionary<int, TopicPartitionOffset> _owed = new();

    /// <summary>The offsets were committed: nothing of these partitions is owed.</summary>
    public void Made(IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var o in offsets) _owed.TryRemove(o.Partition.Value, out _);
    }

    /// <summary>The commit of these offsets failed: owed.</summary>
    public void Failed(IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var o in offsets) _owed[o.Partition.Value] = o;
    }

    /// <summary>The partitions left this member: whatever of theirs is owed can no longer be committed.</summary>
    public void Forget(IEnumerable<int> partitions)
    {
        foreach (var p in partitions) _owed.TryRemove(p, out _);
    }

    /// <summary>
    /// In a revocation, once the units that held the partitions committed, and before librdkafka hands them over (it does
    /// when the rebalance callback returns): makes their owed commits with <paramref name="commit"/>, retrying for up to
    /// five seconds while the broker's refusal can clear (a rebalance or a coordinator move in progress). A refusal that
    /// cannot (the group moved on to a new generation, the member is unknown) ends the attempts at once.
    /// </summary>
    public void MakeBeforeHandover(Action<List<TopicPartitionOffset>> commit, IReadOnlyList<int> partitions, CancellationToken stopping)
    {
        var owed = partitions.Select(p => _owed.TryGetValue(p, out var o) ? o : null).OfType<TopicPartitionOffset>().ToList();
        if (owed.Count == 0) return;
        var names = string.Join(",", owed.Select(o => o.Partition.Value));
        var deadline = Environment.TickCount64 + PatienceMs;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                commit(owed);
                Made(owed);
                KafkaLog.OwedGroupCommitMade(logger, topic, names, attempt);
                return;
            }
            catch (KafkaException ex) when (MayClear(ex.Error.Code) && Environment.TickCount64 < deadline && !stopping.IsCancellationRequested)
            {
                stopping.WaitHandle.WaitOne(100);
            }
            catch (KafkaException ex)
            {
                KafkaLog.OwedGroupCommitFailed(logger, topic, names, redactor.Redact(ex.Error.Reason));
                return;
            }
        }
    }

    /// <summary>Whether a commit refused with <paramref name="code"/> can succeed when made again by the same member.</summary>
    private static bool MayClear(ErrorCode code) => code is ErrorCode.RebalanceInProgress
        or ErrorCode.GroupLoadInProgress
        or ErrorCode.GroupCoordinatorNotAvailable
        or ErrorCode.NotCoordinatorForGroup
        or ErrorCode.RequestTimedOut
        or ErrorCode.Local_TimedOut
        or ErrorCode.Local_Transport;
}
