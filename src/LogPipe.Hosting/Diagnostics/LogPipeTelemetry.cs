using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LogPipe.Hosting;

/// <summary>
/// LogPipe's meter and activity source. Both are named <see cref="Name"/> (<c>LogPipe.Hosting</c>): add it to
/// OpenTelemetry with <c>.AddMeter("LogPipe.Hosting")</c> and <c>.AddSource("LogPipe.Hosting")</c>. LogPipe does not
/// depend on the OpenTelemetry SDK.
/// </summary>
public sealed class LogPipeTelemetry : IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "LogPipe.Hosting";

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a standalone meter).</summary>
    /// <param name="meterFactory">The application's meter factory, or <see langword="null"/>.</param>
    /// <param name="metricsEnabled">When <see langword="false"/>, nothing is recorded (<c>LogPipe:DisableMetrics</c>).</param>
    /// <param name="tracingEnabled">When <see langword="false"/>, no activities start (<c>LogPipe:DisableTracing</c>).</param>
    public LogPipeTelemetry(IMeterFactory? meterFactory, bool metricsEnabled = true, bool tracingEnabled = true)
    {
        MetricsEnabled = metricsEnabled;
        TracingEnabled = tracingEnabled;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Produced = _meter.CreateCounter<long>("logpipe.records.produced", "{record}", "Records sent, by topic and message type.");
        Consumed = _meter.CreateCounter<long>("logpipe.records.consumed", "{record}", "Records taken from the transport into a unit of work, by topic.");
        Applied = _meter.CreateCounter<long>("logpipe.records.applied", "{record}", "Records applied and committed, by topic and message type.");
        Skipped = _meter.CreateCounter<long>("logpipe.records.skipped", "{record}", "Records skipped as message errors (including ignored types), by topic and error kind.");
        DeadLettered = _meter.CreateCounter<long>("logpipe.records.dead_lettered", "{record}", "Records kept as dead letters, by topic and error kind.");
        CopiesSkipped = _meter.CreateCounter<long>("logpipe.records.copies_skipped", "{record}", "Outbox records skipped and committed as copies of records this consumer group applied already, by topic.");
        SaveFailures = _meter.CreateCounter<long>("logpipe.save.failures", "{failure}", "Failed save attempts, by topic.");
        UnitRecords = _meter.CreateHistogram<int>("logpipe.unit_of_work.records", "{record}", "Records per committed unit of work.");
        UnitDuration = _meter.CreateHistogram<double>("logpipe.unit_of_work.duration", "s", "Time to apply and commit a unit of work.");
        SendDuration = _meter.CreateHistogram<double>("logpipe.send.duration", "s", "Time from send to acknowledgement, per call, by topic.");
    }

    /// <summary>The activity source of produce and process spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Whether metrics are recorded.</summary>
    public bool MetricsEnabled { get; }

    /// <summary>Whether activities are started.</summary>
    public bool TracingEnabled { get; }

    /// <summary>The meter (observable instruments such as lag are added by the consumer service).</summary>
    public Meter Meter => _meter;

    internal Counter<long> Produced { get; }

    internal Counter<long> Consumed { get; }

    internal Counter<long> Applied { get; }

    internal Counter<long> Skipped { get; }

    internal Counter<long> DeadLettered { get; }

    internal Counter<long> CopiesSkipped { get; }

    internal Counter<long> SaveFailures { get; }

    internal Histogram<int> UnitRecords { get; }

    internal Histogram<double> UnitDuration { get; }

    internal Histogram<double> SendDuration { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal static string MessagingSystem(string transportName) => transportName switch
    {
        "Kafka" => "kafka",
        "Kinesis" => "aws_kinesis",
        _ => transportName.ToLowerInvariant(),
    };
}
