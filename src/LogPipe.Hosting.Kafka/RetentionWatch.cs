using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Notices records lost to retention: a partition (re)started at its stored checkpoint whose first record lies past it.
/// Offsets have gaps for good reasons (transaction markers, compaction), so only a log start above the checkpoint counts
/// as records deleted before this group read them: librdkafka then resets the position on its own (auto.offset.reset)
/// and, without this, nobody would know. Reported as event 2020 and <c>logpipe.kafka.records_lost_to_retention</c>.
/// Not thread-safe: used on the consumer service's thread.
/// </summary>
internal sealed class RetentionWatch
{
    // Where each partition should start (its stored checkpoint) until its first record arrives.
    private readonly Dictionary<int, long> _startingAt = [];
    private readonly string _topic;
    private readonly KafkaMetrics _metrics;
    private readonly ILogger _logger;

    public RetentionWatch(string topic, KafkaMetrics metrics, ILogger logger)
    {
        _topic = topic;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The partition starts at <paramref name="offset"/>; a logical offset (beginning, end, the group's) is not watched.</summary>
    public void ExpectStart(int partition, Offset offset)
    {
        if (offset.Value >= 0) _startingAt[partition] = offset.Value;
        else _startingAt.Remove(partition);
    }

    /// <summary>The partition is no longer read by this member: its start is not watched any more.</summary>
    public void Forget(int partition) => _startingAt.Remove(partition);

    /// <summary>A record of the partition arrived; the first one after a start past the checkpoint is checked.</summary>
    /// <param name="partition">The record's partition.</param>
    /// <param name="offset">The record's offset.</param>
    /// <param name="logStart">The partition's log start, or <see langword="null"/> when it cannot be had (the caller logs why).</param>
    public void Arrived(int partition, long offset, Func<int, long?> logStart)
    {
        if (_startingAt.Count == 0 || !_startingAt.Remove(partition, out var checkpoint) || offset <= checkpoint) return;
        if (logStart(partition) is not { } start || start <= checkpoint) return;
        var lost = start - checkpoint;
        KafkaLog.CheckpointBelowLogStart(_logger, _topic, partition, checkpoint, start, lost, offset);
        _metrics.LostToRetention(_topic, partition, lost);
    }
}
