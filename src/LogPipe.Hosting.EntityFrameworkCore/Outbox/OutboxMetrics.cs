using System.Diagnostics.Metrics;
using LogPipe.Hosting.Diagnostics;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The outbox's instruments on LogPipe's meter: backlog size and oldest entry age (as the relay last saw them) and the
/// latency from commit to the broker's acknowledgement.
/// </summary>
internal sealed class OutboxMetrics
{
    private long _backlog;
    private double _oldestAgeSeconds;
    private long _setAside;

    public OutboxMetrics(LogPipeTelemetry telemetry)
    {
        Enabled = telemetry.MetricsEnabled;
        if (!Enabled) return;
        telemetry.Meter.CreateObservableGauge("logpipe.outbox.backlog", () => Interlocked.Read(ref _backlog), "{entry}", "Outbox entries committed and not yet sent (set-aside ones not counted).");
        telemetry.Meter.CreateObservableGauge("logpipe.outbox.oldest_age", () => Volatile.Read(ref _oldestAgeSeconds), "s", "Age of the oldest outbox entry not yet sent.");
        telemetry.Meter.CreateObservableGauge("logpipe.outbox.set_aside", () => Interlocked.Read(ref _setAside), "{entry}", "Outbox entries the broker refused for good, set aside for an operator.");
        Latency = telemetry.Meter.CreateHistogram<double>("logpipe.outbox.relay.latency", "s", "Time from an outbox entry's commit to the broker's acknowledgement.");
        Relayed = telemetry.Meter.CreateCounter<long>("logpipe.outbox.relayed", "{entry}", "Outbox entries sent and acknowledged, by topic.");
    }

    public bool Enabled { get; }

    public Histogram<double>? Latency { get; }

    public Counter<long>? Relayed { get; }

    public void Observe(long backlog, TimeSpan oldestAge, long setAside)
    {
        Interlocked.Exchange(ref _backlog, backlog);
        Volatile.Write(ref _oldestAgeSeconds, Math.Max(0, oldestAge.TotalSeconds));
        Interlocked.Exchange(ref _setAside, setAside);
    }
}
