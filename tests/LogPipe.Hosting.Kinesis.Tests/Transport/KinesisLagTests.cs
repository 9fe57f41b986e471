using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// Lag on Kinesis: MillisBehindLatest and the age of the last record per shard as gauges, and the health check's
/// <c>MaxTimeBehindLatest</c> rule. kinesalite always answers 0 behind, so the fault handler in front of it sets the value.
/// </summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisLagTests(KinesaliteFixture kinesalite) : KinesisAppTests(kinesalite)
{
    private const string FirstShard = "shardId-000000000000";

    [Fact]
    public async Task Millis_behind_latest_and_the_age_of_the_last_record_are_gauges_per_shard()
    {
        var stream = await Kinesalite.CreateStreamAsync("lag-gauges", shardCount: 2);
        var faults = new KinesisFaults { MillisBehindLatest = shard => shard == FirstShard ? 90_000 : null };
        var app = await AppAsync(stream, handler: faults);
        var people = People.Many(20);
        await app.SendAsync(people);
        await app.WaitAppliedAsync(people);

        using var gauges = new ShardGauges(stream);
        await Eventually.TrueAsync(
            () =>
            {
                gauges.Observe();
                return gauges.Behind.Count == 2 && gauges.Age.Count == 2;
            },
            TimeSpan.FromSeconds(20),
            "both shards' gauges");

        Assert.Equal(90_000, gauges.Behind[FirstShard]);
        Assert.Equal(0, gauges.Behind["shardId-000000000001"]);
        // Records arrived a moment ago: their age is small and not negative.
        Assert.All(gauges.Age.Values, age => Assert.InRange(age, 0, 120));
    }

    [Fact]
    public async Task Health_is_degraded_while_a_shard_is_further_behind_than_MaxTimeBehindLatest()
    {
        var stream = await Kinesalite.CreateStreamAsync("lag-health", shardCount: 2);
        long behind = 90_000;
        var faults = new KinesisFaults { MillisBehindLatest = shard => shard == FirstShard ? Interlocked.Read(ref behind) : null };
        var app = await AppAsync(stream, new Dictionary<string, string?> { ["LogPipe:Health:MaxTimeBehindLatest"] = "00:01:00" }, faults);
        await app.ConsumersStartedAsync();

        HealthReportEntry entry = default;
        await Eventually.TrueAsync(
            async () => (entry = await CheckAsync(app)).Status == HealthStatus.Degraded,
            TimeSpan.FromSeconds(20),
            "the health check degraded by the lagging shard");
        Assert.Contains(FirstShard, entry.Description, StringComparison.Ordinal);
        Assert.Contains("MaxTimeBehindLatest", entry.Description, StringComparison.Ordinal);
        Assert.Equal(90_000L, entry.Data["maxMillisBehindLatest"]);

        // The shard catches up: the next answer says so and the check is healthy again.
        Interlocked.Exchange(ref behind, 2_000);
        await Eventually.TrueAsync(async () => (entry = await CheckAsync(app)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(20), "healthy once caught up");
        Assert.Equal(2_000L, entry.Data["maxMillisBehindLatest"]);
    }

    private static async Task<HealthReportEntry> CheckAsync(KinesisApp app) =>
        (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "logpipe")).Entries["logpipe"];

    /// <summary>The latest values of the Kinesis lag gauges for one stream's shards.</summary>
    private sealed class ShardGauges : IDisposable
    {
        private readonly MeterListener _listener = new();

        public ShardGauges(string stream)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LogPipeTelemetry.Name && instrument.Name.StartsWith("logpipe.kinesis.", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (instrument.Name == "logpipe.kinesis.millis_behind_latest" && ShardOf(stream, tags) is { } shard) Behind[shard] = value;
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                if (instrument.Name == "logpipe.kinesis.last_record_age" && ShardOf(stream, tags) is { } shard) Age[shard] = value;
            });
            _listener.Start();
        }

        public ConcurrentDictionary<string, long> Behind { get; } = new();

        public ConcurrentDictionary<string, double> Age { get; } = new();

        public void Observe() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private static string? ShardOf(string stream, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? name = null, shard = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name") name = tag.Value as string;
                if (tag.Key == "messaging.destination.partition.id") shard = tag.Value as string;
            }

            return name == stream ? shard : null;
        }
    }
}
