using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogPipe.Hosting.Tests.Outbox;

/// <summary>What operators see of the outbox: its health check and its metrics.</summary>
public sealed class OutboxOperabilityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<HealthStatus> OutboxHealthAsync(IServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "logpipe-outbox")).Entries["logpipe-outbox"].Status;

    [Fact]
    public async Task Health_is_Degraded_while_the_oldest_unsent_entry_is_older_than_MaxAge_and_Healthy_once_relayed()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:MaxAgeSeconds"] = "1" });
        Assert.Equal(HealthStatus.Healthy, await OutboxHealthAsync(app.Services));

        harness.Broker.Down = true;
        await OutboxHarness.SaveAsync(app, People.Joe());
        Assert.Equal(HealthStatus.Healthy, await OutboxHealthAsync(app.Services));
        await Eventually.TrueAsync(async () => await OutboxHealthAsync(app.Services) == HealthStatus.Degraded, Patience, "Degraded once the entry waited over a second");

        harness.Broker.Down = false;
        await Eventually.TrueAsync(async () => await OutboxHealthAsync(app.Services) == HealthStatus.Healthy, Patience, "Healthy once relayed");
        Assert.Equal(1, harness.LogCount());
    }

    [Fact]
    public async Task Metrics_show_the_backlog_during_an_outage_and_the_latency_of_each_relayed_entry()
    {
        await using var harness = await OutboxHarness.CreateAsync(TemporaryDatabase.SqliteProvider);
        var app = await harness.StartAppAsync();
        var meter = app.Services.GetRequiredService<LogPipeTelemetry>().Meter;
        var gauges = new ConcurrentDictionary<string, double>();
        var latencies = new ConcurrentBag<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name.StartsWith("logpipe.outbox.", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => gauges[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "logpipe.outbox.relay.latency") latencies.Add(value);
            else gauges[instrument.Name] = value;
        });
        listener.Start();

        harness.Broker.Down = true;
        foreach (var person in People.Many(3)) await OutboxHarness.SaveAsync(app, person);
        await Eventually.TrueAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                return gauges.GetValueOrDefault("logpipe.outbox.backlog") == 3;
            },
            Patience,
            "the backlog gauge shows the three waiting entries");

        harness.Broker.Down = false;
        await Eventually.TrueAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                return harness.LogCount() == 3 && gauges.GetValueOrDefault("logpipe.outbox.backlog", -1) == 0;
            },
            Patience,
            "the backlog drained and the gauge returned to zero");
        Assert.Equal(3, latencies.Count);
        Assert.All(latencies, l => Assert.InRange(l, 0, Patience.TotalSeconds));
        Assert.Equal(0, gauges["logpipe.outbox.oldest_age"]);
    }
}
