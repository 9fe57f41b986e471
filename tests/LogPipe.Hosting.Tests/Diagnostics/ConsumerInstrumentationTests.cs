using System.Diagnostics;
using System.Diagnostics.Metrics;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Tests.Diagnostics;

public sealed class ConsumerInstrumentationTests
{
    [Fact]
    public void A_Kinesis_record_is_processed_under_aws_kinesis_with_its_sequence_number_as_message_id()
    {
        var stream = "stream-" + Guid.NewGuid().ToString("N");
        using var spans = new SpanListener();
        var stopped = spans.Stopped;
        using var telemetry = new LogPipeTelemetry(null);
        var instrumentation = new ConsumerInstrumentation(telemetry, "Kinesis", "billing", new StreamActivity(TimeProvider.System));
        var record = new IncomingRecord(new PartitionKey("Kinesis", stream, "shardId-000000000001"), 7, null, "json:{}"u8.ToArray(), DateTimeOffset.UtcNow)
        {
            SequenceNumber = "49590338271490256608559692538361571095921575989136588898",
        };

        instrumentation.EndProcess(instrumentation.StartProcess(record), RecordOutcome.Applied("person", 1), null);

        var process = Assert.Single(stopped, a => a.DisplayName == $"process {stream}");
        Assert.Equal("aws_kinesis", process.GetTagItem("messaging.system"));
        Assert.Equal("billing", process.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal("shardId-000000000001", process.GetTagItem("messaging.destination.partition.id"));
        Assert.Equal(record.SequenceNumber, process.GetTagItem("messaging.message.id"));
        Assert.Null(process.GetTagItem("messaging.kafka.offset"));
        // Kinesis records carry no headers: the span starts a trace of its own.
        Assert.Equal(default, process.ParentSpanId);
    }

    [Fact]
    public void Consumed_messages_of_a_unit_that_interleaves_two_topics_are_counted_per_topic()
    {
        using var telemetry = new LogPipeTelemetry(null);
        var counted = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, telemetry.ConsumedMessages)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var topic = (string)tags.ToArray().Single(t => t.Key == "messaging.destination.name").Value!;
            counted[topic] = counted.GetValueOrDefault(topic) + value;
        });
        listener.Start();
        var instrumentation = new ConsumerInstrumentation(telemetry, "Kafka", "billing", new StreamActivity(TimeProvider.System));

        // Round-robin takes runs of one topic, and a topic comes back after another's run.
        string[] topics = ["people", "people", "orders", "people", "orders", "orders", "orders"];
        var unit = topics.Select((topic, i) => ((ConsumerState)null!, new IncomingRecord(new PartitionKey("kafka", topic, "0"), i, null, "json:{}"u8.ToArray(), DateTimeOffset.UtcNow))).ToList();
        instrumentation.Gathered(unit);

        Assert.Equal(new Dictionary<string, long> { ["people"] = 3, ["orders"] = 4 }, counted);
    }

    [Fact]
    public void Applied_records_of_a_unit_that_interleaves_topics_types_and_errors_are_counted_per_topic_and_type()
    {
        using var telemetry = new LogPipeTelemetry(null);
        var counted = new Dictionary<(string Topic, string Type), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, telemetry.Applied)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            var key = ((string)all.Single(t => t.Key == "messaging.destination.name").Value!, (string)all.Single(t => t.Key == "logpipe.message_type").Value!);
            counted[key] = counted.GetValueOrDefault(key) + value;
        });
        listener.Start();
        var instrumentation = new ConsumerInstrumentation(telemetry, "Kafka", "billing", new StreamActivity(TimeProvider.System));

        // Runs of one topic and type, broken by another type, another topic, an error and a copy, then coming back.
        (string Topic, RecordOutcome Outcome)[] handled =
        [
            ("people", RecordOutcome.Applied("person", 1)),
            ("people", RecordOutcome.Applied("person", 2)),
            ("people", RecordOutcome.Applied("place", 1)),
            ("people", RecordOutcome.Applied("person", 1)),
            ("orders", RecordOutcome.Applied("person", 1)),
            ("orders", new RecordOutcome(MessageErrorKind.UnknownType, "unknown", "thing", 1, null)),
            ("orders", RecordOutcome.Applied("person", 1)),
            ("orders", RecordOutcome.Copy("person", 1)),
            ("orders", RecordOutcome.Applied("person", 1)),
            ("people", RecordOutcome.Applied("person", 1)),
        ];
        // Only the metrics matter here: a consumer without a source (its log end is not asked for).
        var consumer = (ConsumerState)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(ConsumerState));
        var records = handled.Select((h, i) => (consumer, new IncomingRecord(new PartitionKey("kafka", h.Topic, "0"), i, null, "json:{}"u8.ToArray(), DateTimeOffset.UtcNow), h.Outcome)).ToList();
        instrumentation.Committed(records, Stopwatch.GetTimestamp(), TimeSpan.Zero);

        Assert.Equal(
            new Dictionary<(string Topic, string Type), long> { [("people", "person")] = 4, [("people", "place")] = 1, [("orders", "person")] = 3 },
            counted);
    }

    [Fact]
    public void A_process_duration_is_recorded_for_a_record_whose_apply_started_while_someone_listened()
    {
        using var telemetry = new LogPipeTelemetry(null);
        var durations = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, telemetry.ProcessDuration)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => durations.Add(value));
        var instrumentation = new ConsumerInstrumentation(telemetry, "Kafka", "billing", new StreamActivity(TimeProvider.System));
        var record = new IncomingRecord(new PartitionKey("kafka", "people", "0"), 1, null, "json:{}"u8.ToArray(), DateTimeOffset.UtcNow);

        // Started before anyone listened: its start was never read, so no duration is made up for it.
        var unobserved = instrumentation.StartProcess(record);
        listener.Start();
        instrumentation.EndProcess(unobserved, RecordOutcome.Applied("person", 1), null);
        Assert.Empty(durations);

        instrumentation.EndProcess(instrumentation.StartProcess(record), RecordOutcome.Applied("person", 1), null);
        var duration = Assert.Single(durations);
        Assert.InRange(duration, 0, 60);
    }
}
