using System.Collections.Concurrent;
using System.Diagnostics;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>The consumer service's traces and metrics, kept out of the runner's control flow.</summary>
internal sealed class ConsumerInstrumentation
{
    private readonly LogPipeTelemetry _telemetry;
    private readonly string _system;
    private readonly ConcurrentDictionary<PartitionKey, (long NextOffset, ILogEndSource? Source)> _committed = new();

    public ConsumerInstrumentation(LogPipeTelemetry telemetry, string transportName)
    {
        _telemetry = telemetry;
        _system = LogPipeTelemetry.MessagingSystem(transportName);
        if (telemetry.MetricsEnabled)
        {
            telemetry.Meter.CreateObservableGauge("logpipe.consumer.lag", ObserveLag, "{record}", "Records in the log after the committed checkpoint, by topic and partition.");
        }
    }

    /// <summary>The largest lag over all partitions, or <see langword="null"/> when no partition's log end is known.</summary>
    public long? MaxLag()
    {
        long? max = null;
        foreach (var m in ObserveLag()) max = Math.Max(max ?? 0, m.Value);
        return max;
    }


    public Activity? StartProcess(IncomingRecord record)
    {
        if (!_telemetry.TracingEnabled || !LogPipeTelemetry.ActivitySource.HasListeners()) return null;
        TraceContext.TryExtract(record.Headers, out var parent);
        var activity = LogPipeTelemetry.ActivitySource.StartActivity($"{record.Partition.Stream} process", ActivityKind.Consumer, parent);
        if (activity is null) return null;
        activity.SetTag("messaging.system", _system);
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", record.Partition.Stream);
        activity.SetTag("messaging.destination.partition.id", record.Partition.Partition);
        activity.SetTag(record.SequenceNumber is null ? "messaging.kafka.offset" : "messaging.kinesis.sequence_number", record.SequenceNumber ?? (object)record.Offset);
        return activity;
    }

    public static void EndProcess(Activity? activity, RecordOutcome outcome, Exception? failure)
    {
        if (activity is null) return;
        activity.SetTag("logpipe.message_type", outcome.MessageType);
        activity.SetTag("logpipe.version", outcome.Version);
        if (failure is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity.SetTag("error.type", failure.GetType().FullName);
        }
        else if (outcome.Error is { } error)
        {
            activity.SetTag("logpipe.outcome", error.ToString());
            if (error != MessageErrorKind.IgnoredType) activity.SetStatus(ActivityStatusCode.Error, outcome.ErrorMessage);
        }
        else
        {
            activity.SetTag("logpipe.outcome", "Applied");
        }

        activity.Dispose();
    }

    public void Gathered(IReadOnlyList<(ConsumerState Consumer, IncomingRecord Record)> unit)
    {
        if (!_telemetry.MetricsEnabled) return;
        foreach (var group in unit.GroupBy(u => u.Record.Partition.Stream))
        {
            _telemetry.Consumed.Add(group.Count(), new KeyValuePair<string, object?>("messaging.destination.name", group.Key));
        }
    }

    public void SaveFailed(IncomingRecord record)
    {
        if (_telemetry.MetricsEnabled) _telemetry.SaveFailures.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Partition.Stream));
    }

    public void Committed(IReadOnlyList<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled, long startedTimestamp)
    {
        // The last record of each partition is what was committed; earlier ones need no write of their own.
        var seen = new HashSet<PartitionKey>();
        for (var i = handled.Count - 1; i >= 0; i--)
        {
            var (consumer, record, _) = handled[i];
            if (!seen.Add(record.Partition)) continue;
            _committed[record.Partition] = (record.Offset + 1, consumer.Source as ILogEndSource);
        }

        if (!_telemetry.MetricsEnabled) return;
        // Counted per (topic, type or error) and added once per group: one Add per record cost more than the unit's commit.
        var applied = new Dictionary<(string Topic, string? Type), int>();
        var skipped = new Dictionary<(string Topic, MessageErrorKind Kind), int>();
        Dictionary<string, int>? copies = null;
        foreach (var (_, record, outcome) in handled)
        {
            if (outcome.IsCopy)
            {
                copies ??= [];
                copies[record.Partition.Stream] = copies.GetValueOrDefault(record.Partition.Stream) + 1;
            }
            else if (outcome.Error is { } error)
            {
                var key = (record.Partition.Stream, error);
                skipped[key] = skipped.GetValueOrDefault(key) + 1;
            }
            else
            {
                var key = (record.Partition.Stream, outcome.MessageType);
                applied[key] = applied.GetValueOrDefault(key) + 1;
            }
        }

        foreach (var ((topic, type), count) in applied)
        {
            _telemetry.Applied.Add(count, new KeyValuePair<string, object?>("messaging.destination.name", topic), new KeyValuePair<string, object?>("logpipe.message_type", type));
        }

        foreach (var ((topic, error), count) in skipped)
        {
            var topicTag = new KeyValuePair<string, object?>("messaging.destination.name", topic);
            var kind = new KeyValuePair<string, object?>("logpipe.error_kind", error.ToString());
            _telemetry.Skipped.Add(count, topicTag, kind);
            if (error != MessageErrorKind.IgnoredType) _telemetry.DeadLettered.Add(count, topicTag, kind);
        }

        foreach (var (topic, count) in copies ?? [])
        {
            _telemetry.CopiesSkipped.Add(count, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        }

        _telemetry.UnitRecords.Record(handled.Count);
        _telemetry.UnitDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<long>> ObserveLag()
    {
        foreach (var (partition, (next, source)) in _committed)
        {
            if (source is not null && source.TryGetLogEnd(partition, out var end))
            {
                yield return new(Math.Max(0, end - next), new KeyValuePair<string, object?>("messaging.destination.name", partition.Stream), new KeyValuePair<string, object?>("messaging.destination.partition.id", partition.Partition));
            }
        }
    }
}
