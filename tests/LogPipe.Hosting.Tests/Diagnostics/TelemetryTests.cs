using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Diagnostics;

public sealed class TelemetryTests
{
    private static TestApp App(string db) => TestApp.Create(
        lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>()),
        databasePath: db);

    [Fact]
    public async Task Metrics_count_sent_applied_and_dead_lettered_records_and_lag_returns_to_zero()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = App(db);
        var meter = app.Services.GetRequiredService<LogPipeTelemetry>().Meter;
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var kind = tags.ToArray().FirstOrDefault(t => t.Key == "logpipe.error_kind").Value;
            totals.AddOrUpdate(instrument.Name + (kind is null ? "" : "/" + kind), value, (_, v) => instrument is ObservableGauge<long> ? value : v + value);
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.Start();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(People.Many(3));
        }

        app.Broker.Append("people", null, Encoding.UTF8.GetBytes("""json:{"type":"person","version":9,"message":{}}"""));
        Assert.Equal(4, await app.Runner.DrainAsync());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(People.Many(2));
        }

        listener.RecordObservableInstruments();
        Assert.Equal(2, totals["logpipe.consumer.lag"]);
        Assert.Equal(2, await app.Runner.DrainAsync());
        listener.RecordObservableInstruments();

        Assert.Equal(5, totals["messaging.client.sent.messages"]);
        Assert.Equal(6, totals["messaging.client.consumed.messages"]);
        Assert.Equal(5, totals["logpipe.records.applied"]);
        Assert.Equal(1, totals["logpipe.records.dead_lettered/UnknownVersion"]);
        Assert.Equal(6, totals["logpipe.unit_of_work.records"]);
        Assert.Equal(0, totals["logpipe.consumer.lag"]);
        TestApp.DeleteDatabase(db);
    }

    [Fact]
    public async Task The_commit_duration_of_a_unit_covers_its_slow_commit_and_is_part_of_the_units_duration()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = App(db);
        var telemetry = app.Services.GetRequiredService<LogPipeTelemetry>();
        var commits = new ConcurrentQueue<double>();
        var units = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, telemetry.CommitDuration) || ReferenceEquals(instrument, telemetry.UnitDuration)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => (ReferenceEquals(instrument, telemetry.CommitDuration) ? commits : units).Enqueue(value));
        listener.Start();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(People.Many(3));
        }

        // A database whose COMMIT takes 300 ms: the unit's commit duration holds it, and the unit's own duration holds both.
        app.Services.GetRequiredService<Probe>().CommitDelayMs = 300;
        Assert.Equal(3, await app.Runner.DrainAsync());

        var commit = Assert.Single(commits);
        var unit = Assert.Single(units);
        Assert.InRange(commit, 0.29, unit);
        TestApp.DeleteDatabase(db);
    }

    [Fact]
    public async Task The_process_span_continues_the_trace_of_the_send_span_through_record_headers()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = App(db);
        using var spans = new SpanListener();
        var stopped = spans.Stopped;

        ActivityTraceId requestTraceId;
        using (var request = new Activity("POST /people").SetIdFormat(ActivityIdFormat.W3C).Start())
        await using (var scope = app.Services.CreateAsyncScope())
        {
            requestTraceId = request.TraceId;
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(People.Joe());
        }

        await app.Runner.DrainAsync();
        // The listener hears the whole process, and other tests publish to "people" meanwhile: this test's send span
        // is the one under its request.
        var send = Assert.Single(stopped, a => a.OperationName == "send people" && a.TraceId == requestTraceId);
        var process = Assert.Single(stopped, a => a.OperationName == "process people" && a.TraceId == send.TraceId);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal("person", process.GetTagItem("logpipe.message_type"));
        Assert.Equal("Applied", process.GetTagItem("logpipe.outcome"));
        Assert.Equal("0", process.GetTagItem("messaging.destination.partition.id"));

        // The envelope itself is untouched: the context travels in headers only.
        Assert.True(app.Broker.TryGet("people", 0, 0, out var stored));
        Assert.StartsWith("json:{\"type\":\"person\",\"version\":2,", Encoding.UTF8.GetString(stored.Value), StringComparison.Ordinal);
        Assert.Contains(stored.Headers!, h => h.Key == "traceparent");
        TestApp.DeleteDatabase(db);
    }
}
