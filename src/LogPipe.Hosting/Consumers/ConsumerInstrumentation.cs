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
    private readonly string _consumerGroup;
    private readonly StreamActivity _activity;
    private readonly ConcurrentDictionary<PartitionKey, (long NextOffset, ILogEndSource? Source)> _committed = new();

    public ConsumerInstrumentation(LogPipeTelemetry telemetry, string transportName, string consumerGroup, StreamActivity activity)
    {
        _telemetry = telemetry;
        _activity = activity;
        _system = LogPipeTelemetry.MessagingSystem(transportName);
        _consumerGroup = consumerGroup;
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

    /// <summary>
    /// Starts following one record's apply: a <c>process {topic}</c> span, child of the context the record's headers carry
    /// (read by <see cref="DistributedContextPropagator.Current"/>), with the carried baggage on it so the serializer sees it
    /// in <see cref="Activity.Baggage"/>.
    /// </summary>
    public ProcessSpan StartProcess(IncomingRecord record)
    {
        // The clock is read only for a duration someone listens to: a clock read per record showed in the no-op profile.
        var started = _telemetry.MetricsEnabled && _telemetry.ProcessDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        if (!_telemetry.TracingEnabled || !LogPipeTelemetry.ActivitySource.HasListeners()) return new(null, record, started);
        TraceContext.TryExtract(record.Headers, out var parent, out var baggage);
        var activity = LogPipeTelemetry.ActivitySource.StartActivity($"process {record.Partition.Stream}", ActivityKind.Consumer, parent);
        if (activity is null) return new(null, record, started);
        TraceContext.AddBaggage(activity, baggage);
        activity.SetTag(MessagingAttributes.System, _system);
        activity.SetTag(MessagingAttributes.OperationType, MessagingAttributes.Process);
        activity.SetTag(MessagingAttributes.OperationName, MessagingAttributes.Process);
        activity.SetTag(MessagingAttributes.DestinationName, record.Partition.Stream);
        activity.SetTag(MessagingAttributes.ConsumerGroupName, _consumerGroup);
        activity.SetTag(MessagingAttributes.PartitionId, record.Partition.Partition);
        if (record.SequenceNumber is { } sequenceNumber)
        {
            // A Kinesis sequence number is the record's id within its stream.
            activity.SetTag(MessagingAttributes.MessageId, sequenceNumber);
        }
        else
        {
            activity.SetTag(MessagingAttributes.KafkaOffset, record.Offset);
            if (OutboxIdentity.TryRead(record.Headers, out var identity, out _)) activity.SetTag(MessagingAttributes.MessageId, identity.ToString());
        }

        return new(activity, record, started);
    }

    /// <summary>Ends a record's span and records its <c>messaging.process.duration</c>.</summary>
    public void EndProcess(ProcessSpan span, RecordOutcome outcome, Exception? failure)
    {
        string? errorType = null;
        if (failure is not null) errorType = MessagingAttributes.ErrorTypeOf(failure);
        else if (outcome.Error is { } error && error != MessageErrorKind.IgnoredType) errorType = error.ToString();
        // Started is 0 when no one listened as the apply started: a listener that came since gets the next record.
        if (span.Started != 0 && _telemetry.MetricsEnabled && _telemetry.ProcessDuration.Enabled)
        {
            var tags = new TagList
            {
                { MessagingAttributes.System, _system },
                { MessagingAttributes.OperationName, MessagingAttributes.Process },
                { MessagingAttributes.DestinationName, span.Record.Partition.Stream },
                { MessagingAttributes.ConsumerGroupName, _consumerGroup },
            };
            if (errorType is not null) tags.Add(MessagingAttributes.ErrorType, errorType);
            _telemetry.ProcessDuration.Record(Stopwatch.GetElapsedTime(span.Started).TotalSeconds, tags);
        }

        if (span.Activity is not { } activity) return;
        activity.SetTag(MessagingAttributes.MessageType, outcome.MessageType);
        activity.SetTag(MessagingAttributes.Version, outcome.Version);
        if (failure is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, failure.Message);
        }
        else if (outcome.Error is { } error)
        {
            activity.SetTag(MessagingAttributes.Outcome, error.ToString());
            if (error != MessageErrorKind.IgnoredType) activity.SetStatus(ActivityStatusCode.Error, outcome.ErrorMessage);
        }
        else
        {
            activity.SetTag(MessagingAttributes.Outcome, "Applied");
        }

        if (errorType is not null) activity.SetTag(MessagingAttributes.ErrorType, errorType);
        activity.Dispose();
    }

    public void Gathered(IReadOnlyList<(ConsumerState Consumer, IncomingRecord Record)> unit)
    {
        if (!_telemetry.MetricsEnabled || !_telemetry.ConsumedMessages.Enabled) return;

        // Counted in runs of one stream (the same string, record after record), then added once per stream: GroupBy
        // copied the whole unit into groups for every unit.
        Dictionary<string, int>? perStream = null;
        string? run = null;
        var inRun = 0;
        for (var i = 0; i < unit.Count; i++)
        {
            var stream = unit[i].Record.Partition.Stream;
            if (!ReferenceEquals(stream, run))
            {
                if (run is not null) AddCount(ref perStream, run, inRun);
                (run, inRun) = (stream, 0);
            }

            inRun++;
        }

        if (run is null) return;
        if (perStream is null)
        {
            // One stream, the usual unit: no dictionary.
            AddConsumed(run, inRun);
            return;
        }

        AddCount(ref perStream, run, inRun);
        foreach (var (stream, count) in perStream!) AddConsumed(stream, count);
    }

    private static void AddCount(ref Dictionary<string, int>? counts, string stream, int count)
    {
        counts ??= new Dictionary<string, int>(StringComparer.Ordinal);
        counts[stream] = counts.GetValueOrDefault(stream) + count;
    }

    private void AddConsumed(string stream, int count)
    {
        var tags = new TagList
        {
            { MessagingAttributes.System, _system },
            { MessagingAttributes.OperationName, MessagingAttributes.Poll },
            { MessagingAttributes.DestinationName, stream },
            { MessagingAttributes.ConsumerGroupName, _consumerGroup },
        };
        _telemetry.ConsumedMessages.Add(count, tags);
    }

    public void SaveFailed(IncomingRecord record, Exception failure)
    {
        _activity.Failed(PositionOf(record), "SaveFailed", failure.Message);
        if (_telemetry.MetricsEnabled) _telemetry.SaveFailures.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Partition.Stream));
    }

    public void Committed(IReadOnlyList<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled, long startedTimestamp, TimeSpan commitDuration)
    {
        // The last record of each partition is what was committed; earlier ones need no write of their own.
        var seen = new HashSet<PartitionKey>();
        for (var i = handled.Count - 1; i >= 0; i--)
        {
            var (consumer, record, _) = handled[i];
            // Records come in runs of one partition: a record of the same partition as the one after it is not the last.
            if (i + 1 < handled.Count && handled[i + 1].Record.Partition == record.Partition) continue;
            if (!seen.Add(record.Partition)) continue;
            _committed[record.Partition] = (record.Offset + 1, consumer.Source as ILogEndSource);
        }

        RecordActivity(handled);
        if (!_telemetry.MetricsEnabled) return;
        // Counted per (topic, type or error) and added once per group: one Add per record cost more than the unit's commit.
        var applied = new Dictionary<(string Topic, string? Type), int>();
        var skipped = new Dictionary<(string Topic, MessageErrorKind Kind), int>();
        Dictionary<string, int>? copies = null;
        // Applied records come in runs of one topic and type (the same string objects, record after record): counted per
        // run and added to the dictionary once per run, not hashed per record (profiled: 1.5 % of a no-op consumer).
        (string Topic, string? Type) run = default;
        var inRun = 0;
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
            else if (inRun > 0 && ReferenceEquals(run.Topic, record.Partition.Stream) && ReferenceEquals(run.Type, outcome.MessageType))
            {
                inRun++;
            }
            else
            {
                if (inRun > 0) applied[run] = applied.GetValueOrDefault(run) + inRun;
                (run, inRun) = ((record.Partition.Stream, outcome.MessageType), 1);
            }
        }

        if (inRun > 0) applied[run] = applied.GetValueOrDefault(run) + inRun;

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
        _telemetry.CommitDuration.Record(commitDuration.TotalSeconds);
    }

    private void RecordActivity(IReadOnlyList<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled)
    {
        // Round-robin interleaves the topics of a unit: counted per topic first, then added once each.
        var perStream = new Dictionary<string, int>(StringComparer.Ordinal);
        string? run = null;
        var inRun = 0;
        foreach (var (_, record, outcome) in handled)
        {
            // Counted in runs of one stream (the same string object, record after record), added to the dictionary per run.
            if (!ReferenceEquals(record.Partition.Stream, run))
            {
                if (run is not null) perStream[run] = perStream.GetValueOrDefault(run) + inRun;
                (run, inRun) = (record.Partition.Stream, 0);
            }

            inRun++;
            if (outcome.Error is { } error && error != MessageErrorKind.IgnoredType) _activity.Failed(PositionOf(record), error.ToString(), outcome.ErrorMessage);
        }

        if (run is not null) perStream[run] = perStream.GetValueOrDefault(run) + inRun;
        foreach (var (stream, count) in perStream) _activity.Handled(stream, count);
    }

    private static RecordPosition PositionOf(IncomingRecord record) =>
        new(record.Partition.Stream, record.Partition.Partition, record.Offset, record.SequenceNumber);

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
