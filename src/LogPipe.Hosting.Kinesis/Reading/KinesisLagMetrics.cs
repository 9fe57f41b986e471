using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// How far behind each shard being read is, on LogPipe's meter (<c>LogPipe.Hosting</c>): <c>MillisBehindLatest</c> of the
/// last GetRecords answer, and the age of the last record read. Observed from the sources being read; nothing is
/// registered when metrics are off.
/// </summary>
/// <remarks>
/// Read together: a quiet shard that is caught up has 0 ms behind and a growing age; a consumer falling behind has both
/// growing. A reader paused by a full queue (the database applies slower than the shard fills) asks Kinesis nothing, so
/// its <c>MillisBehindLatest</c> keeps the last answer while the age of its last record grows.
/// </remarks>
internal sealed class KinesisLagMetrics
{
    private readonly ConcurrentDictionary<KinesisRecordSource, byte> _sources = new();
    private readonly TimeProvider _time;

    public KinesisLagMetrics(LogPipeTelemetry? telemetry, TimeProvider time)
    {
        _time = time;
        if (telemetry is not { MetricsEnabled: true }) return;
        telemetry.Meter.CreateObservableGauge(
            "logpipe.kinesis.millis_behind_latest",
            ObserveBehind,
            "ms",
            "How far the reader of a shard is behind the shard's newest record (MillisBehindLatest of the last GetRecords answer), by stream and shard.");
        telemetry.Meter.CreateObservableGauge(
            "logpipe.kinesis.last_record_age",
            ObserveAge,
            "s",
            "Time since the last record read from a shard arrived in Kinesis (ApproximateArrivalTimestamp), by stream and shard.");
    }

    /// <summary>Observes <paramref name="source"/>'s shards until <see cref="Untrack"/>.</summary>
    public void Track(KinesisRecordSource source) => _sources.TryAdd(source, 0);

    public void Untrack(KinesisRecordSource source) => _sources.TryRemove(source, out _);

    private IEnumerable<Measurement<long>> ObserveBehind()
    {
        foreach (var (source, _) in _sources)
        {
            foreach (var reader in source.Readers())
            {
                if (reader.MillisBehindLatest is { } behind) yield return new(behind, Tags(source, reader));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveAge()
    {
        var now = _time.GetUtcNow();
        foreach (var (source, _) in _sources)
        {
            foreach (var reader in source.Readers())
            {
                if (reader.LastArrival is { } arrival) yield return new(Math.Max(0, (now - arrival).TotalSeconds), Tags(source, reader));
            }
        }
    }

    private static KeyValuePair<string, object?>[] Tags(KinesisRecordSource source, ShardReader reader) =>
    [
        new("messaging.destination.name", source.Stream),
        new("messaging.destination.partition.id", reader.ShardId),
    ];
}
