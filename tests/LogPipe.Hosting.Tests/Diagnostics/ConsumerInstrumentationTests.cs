using System.Diagnostics;
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
}
