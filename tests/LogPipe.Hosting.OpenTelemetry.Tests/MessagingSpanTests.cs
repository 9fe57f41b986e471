using System.Diagnostics;
using System.Text;
using LogPipe.Hosting.OpenTelemetry.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.OpenTelemetry.Tests;

public sealed class MessagingSpanTests
{
    private static TestApp PeopleApp() => TestApp.Create(
        lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV2>()));

    private static TestApp NotesApp(BaggageSeen seen) => TestApp.Create(
        lp => lp.AddProducer<Note, BaggageRecordingSerializer>(BaggageRecordingSerializer.Topic)
            .AddConsumer(BaggageRecordingSerializer.Topic, c => c.Register<BaggageRecordingSerializer>()),
        services: s => s.AddSingleton(seen));

    /// <summary>Sends <paramref name="model"/> inside a request span carrying <paramref name="baggage"/>; returns the request's trace.</summary>
    private static async Task<ActivityTraceId> SendInRequestAsync<T>(TestApp app, T model, params (string Key, string Value)[] baggage)
        where T : class
    {
        using var request = TraceCapture.StartRequest();
        foreach (var (key, value) in baggage) request.AddBaggage(key, value);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IProducer<T>>().SendAsync(model);
        return request.TraceId;
    }

    [Fact]
    public async Task Send_and_process_spans_carry_the_messaging_convention_names_and_attributes()
    {
        using var traces = new TraceCapture();
        await using var app = PeopleApp();
        var trace = await SendInRequestAsync(app, People.Joe());

        Assert.Equal(1, await app.Runner.DrainAsync());

        var send = Assert.Single(traces.Spans(trace, "send people"));
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.name"));
        Assert.Equal("people", send.GetTagItem("messaging.destination.name"));
        Assert.Equal("0", send.GetTagItem("messaging.destination.partition.id"));
        Assert.Equal(0L, send.GetTagItem("messaging.kafka.offset"));
        Assert.Equal(People.Joe().Uuid.ToString(), send.GetTagItem("messaging.kafka.message.key"));
        Assert.NotNull(send.GetTagItem("messaging.system"));

        var process = Assert.Single(traces.Spans(trace, "process people"));
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal("people", process.GetTagItem("messaging.destination.name"));
        Assert.Equal("tests", process.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal("0", process.GetTagItem("messaging.destination.partition.id"));
        Assert.Equal(0L, process.GetTagItem("messaging.kafka.offset"));
        Assert.Equal(send.GetTagItem("messaging.system"), process.GetTagItem("messaging.system"));
        Assert.Equal("person", process.GetTagItem("logpipe.message_type"));
        Assert.Equal("Applied", process.GetTagItem("logpipe.outcome"));
        Assert.Null(process.GetTagItem("error.type"));
    }

    [Fact]
    public async Task A_process_span_of_a_record_that_fails_validation_carries_its_error_type()
    {
        using var traces = new TraceCapture();
        await using var app = PeopleApp();
        app.Broker.Append("people", null, Encoding.UTF8.GetBytes("""json:{"type":"person","version":9,"message":{}}"""));

        Assert.Equal(1, await app.Runner.DrainAsync());

        var process = Assert.Single(traces.Spans("process people"));
        Assert.Equal(nameof(MessageErrorKind.UnknownVersion), process.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, process.Status);
    }

    [Fact]
    public async Task The_process_span_is_a_child_of_the_send_span_whose_context_the_record_headers_carry()
    {
        using var traces = new TraceCapture();
        await using var app = PeopleApp();
        var trace = await SendInRequestAsync(app, People.Joe());

        await app.Runner.DrainAsync();

        var send = Assert.Single(traces.Spans(trace, "send people"));
        var process = Assert.Single(traces.Spans(trace, "process people"));
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.True(app.Broker.TryGet("people", 0, 0, out var stored));
        var traceparent = Assert.Single(stored.Headers!, h => h.Key == "traceparent");
        Assert.Contains(send.SpanId.ToHexString(), Encoding.ASCII.GetString(traceparent.Value), StringComparison.Ordinal);
        // The envelope itself is untouched: the context travels in headers only.
        Assert.StartsWith("json:{\"type\":\"person\",\"version\":2,", Encoding.UTF8.GetString(stored.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baggage_set_before_sending_is_visible_while_the_serializer_applies_the_record()
    {
        using var traces = new TraceCapture();
        var seen = new BaggageSeen();
        await using var app = NotesApp(seen);
        await SendInRequestAsync(app, new Note("hello"), ("tenant", "acme"), ("user.id", "42"));

        // Nothing of the sender's activity is current while the consumer applies: only what the headers carried.
        Assert.Null(Activity.Current);
        Assert.Equal(1, await app.Runner.DrainAsync());

        var (text, baggage) = Assert.Single(seen.Saves);
        Assert.Equal("hello", text);
        // .NET's default propagator is W3C's: the baggage travels in the "baggage" header.
        Assert.True(app.Broker.TryGet(BaggageRecordingSerializer.Topic, 0, 0, out var stored));
        Assert.Contains(stored.Headers!, h => h.Key == "baggage");
        Assert.Equal("acme", baggage["tenant"]);
        Assert.Equal("42", baggage["user.id"]);
    }

    [Fact]
    public async Task A_custom_DistributedContextPropagator_set_as_Current_writes_the_record_headers_and_reads_them_back()
    {
        using var traces = new TraceCapture();
        var seen = new BaggageSeen();
        await using var app = NotesApp(seen);
        var original = DistributedContextPropagator.Current;
        DistributedContextPropagator.Current = new PrefixedPropagator();
        try
        {
            var trace = await SendInRequestAsync(app, new Note("custom"), ("tenant", "acme"));

            Assert.Equal(1, await app.Runner.DrainAsync());

            Assert.True(app.Broker.TryGet(BaggageRecordingSerializer.Topic, 0, 0, out var stored));
            var headers = stored.Headers!.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.Value));
            var send = Assert.Single(traces.Spans(trace, "send notes"));
            Assert.Equal(send.Id, headers[PrefixedPropagator.ParentField]);
            Assert.Equal("tenant=acme", headers[PrefixedPropagator.BaggageField]);
            Assert.DoesNotContain("traceparent", headers.Keys);
            Assert.DoesNotContain("baggage", headers.Keys);

            var process = Assert.Single(traces.Spans(trace, "process notes"));
            Assert.Equal(send.SpanId, process.ParentSpanId);
            Assert.Equal("acme", Assert.Single(seen.Saves).Baggage["tenant"]);
        }
        finally
        {
            DistributedContextPropagator.Current = original;
        }
    }
}
