using System.Diagnostics;
using System.Text;
using LogPipe.Hosting.OpenTelemetry.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.OpenTelemetry.Tests;

public sealed class OutboxTraceTests
{
    [Fact]
    public async Task A_change_written_through_the_outbox_reaches_the_consumer_in_the_writers_trace()
    {
        using var traces = new TraceCapture();
        await using var writer = TestApp.Create(
            lp => lp.UseEntityFrameworkOutbox<TestDb>().AddProducer<Person, PersonSerializerV2>("people"),
            new Dictionary<string, string?> { ["LogPipe:Outbox:PollIntervalMs"] = "50" });
        await using var reader = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV2>()), broker: writer.Broker);
        await writer.Host.StartAsync();
        try
        {
            ActivityContext request;
            using (var span = TraceCapture.StartRequest("PUT /people/joe"))
            {
                request = span.Context;
                await OutboxWrites.SaveAsync(writer.Services, People.Joe());
            }

            // The relay sends after the request's span ended, from its own loop: only the outbox row links the two.
            await Eventually.TrueAsync(() => writer.Broker.EndOffsets("people").Sum() == 1, TimeSpan.FromSeconds(10), "the relay sends the entry");
            Assert.Equal(1, await reader.Runner.DrainAsync());

            var process = Assert.Single(traces.Spans(request.TraceId, "process people"));
            Assert.Equal(request.SpanId, process.ParentSpanId);
            Assert.True(writer.Broker.TryGet("people", 0, 0, out var stored));
            var headers = stored.Headers!.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.Value));
            Assert.Equal($"{headers[OutboxIdentity.SourceHeader]}/{headers[OutboxIdentity.SequenceHeader]}", process.GetTagItem("messaging.message.id"));

            var relayed = Assert.Single(traces.Spans("send people"), s => s.Links.Any(l => l.Context.TraceId == request.TraceId));
            Assert.Equal(ActivityKind.Producer, relayed.Kind);
            Assert.Equal(request.SpanId, Assert.Single(relayed.Links).Context.SpanId);
            Assert.Equal(1, relayed.GetTagItem("messaging.batch.message_count"));
        }
        finally
        {
            await writer.Host.StopAsync();
        }
    }
}
