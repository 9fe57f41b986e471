using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace LogPipe.Hosting.OpenTelemetry.Tests;

public sealed class MessagingMetricsTests
{
    [Fact]
    public async Task Metrics_use_the_messaging_convention_instrument_names_and_attributes()
    {
        var exported = new List<MetricSnapshot>();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddLogPipeInstrumentation().AddInMemoryExporter(exported).Build()!;
        await using var app = TestApp.Create(lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV2>()));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(People.Many(3));
        }

        app.Broker.Append("people", null, Encoding.UTF8.GetBytes("""json:{"type":"person","version":9,"message":{}}"""));
        Assert.Equal(4, await app.Runner.DrainAsync());
        metrics.ForceFlush();

        var sent = Assert.Single(Points(exported, "messaging.client.sent.messages"));
        Assert.Equal(3, sent.GetSumLong());
        Assert.Equal("send", Tag(sent, "messaging.operation.name"));
        Assert.Equal("people", Tag(sent, "messaging.destination.name"));
        Assert.NotNull(Tag(sent, "messaging.system"));

        var sendDuration = Assert.Single(Points(exported, "messaging.client.operation.duration"));
        Assert.Equal(1, sendDuration.GetHistogramCount());

        var consumed = Assert.Single(Points(exported, "messaging.client.consumed.messages"));
        Assert.Equal(4, consumed.GetSumLong());
        Assert.Equal("tests", Tag(consumed, "messaging.consumer.group.name"));

        var processed = Points(exported, "messaging.process.duration");
        Assert.Equal(3, processed.Where(p => Tag(p, "error.type") is null).Sum(p => p.GetHistogramCount()));
        var failed = Assert.Single(processed, p => Tag(p, "error.type") is not null);
        Assert.Equal(nameof(MessageErrorKind.UnknownVersion), Tag(failed, "error.type"));
        Assert.Equal("process", Tag(failed, "messaging.operation.name"));

        // What the conventions do not cover keeps LogPipe's prefix; the renamed instruments are gone.
        Assert.Equal(3, Points(exported, "logpipe.records.applied").Sum(p => p.GetSumLong()));
        Assert.Equal(1, Points(exported, "logpipe.records.dead_lettered").Sum(p => p.GetSumLong()));
        Assert.DoesNotContain(exported, m => m.Name is "logpipe.records.produced" or "logpipe.records.consumed" or "logpipe.send.duration");
    }

    private static List<MetricPoint> Points(List<MetricSnapshot> exported, string name) =>
        exported.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).ToList();

    private static object? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key) return tag.Value;
        }

        return null;
    }
}
