using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LogPipe.Hosting;

/// <summary>
/// LogPipe's meter and activity source. Both are named <see cref="Name"/> (<c>LogPipe.Hosting</c>): add it to
/// OpenTelemetry with <c>.AddMeter("LogPipe.Hosting")</c> and <c>.AddSource("LogPipe.Hosting")</c>. LogPipe does not
/// depend on the OpenTelemetry SDK; the <c>LogPipe.Hosting.OpenTelemetry</c> package adds both with
/// <c>AddLogPipeInstrumentation()</c>. Names and attributes follow OpenTelemetry's messaging semantic conventions.
/// </summary>
public sealed class LogPipeTelemetry : IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "LogPipe.Hosting";

    /// <summary>The bucket boundaries the messaging conventions recommend for their duration histograms.</summary>
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

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
        // Instruments of the OpenTelemetry messaging semantic conventions first, then LogPipe's own (no convention equivalent).
        SentMessages = _meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages a producer attempted to send, by destination and error type.");
        ConsumedMessages = _meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages taken from the transport into a unit of work, by destination.");
        OperationDuration = _meter.CreateHistogram("messaging.client.operation.duration", "s", "Time from send to acknowledgement, per call.", advice: DurationAdvice);
        ProcessDuration = _meter.CreateHistogram("messaging.process.duration", "s", "Time the serializer took to apply one record.", advice: DurationAdvice);
        Applied = _meter.CreateCounter<long>("logpipe.records.applied", "{record}", "Records applied and committed, by topic and message type.");
        Skipped = _meter.CreateCounter<long>("logpipe.records.skipped", "{record}", "Records skipped as message errors (including ignored types), by topic and error kind.");
        DeadLettered = _meter.CreateCounter<long>("logpipe.records.dead_lettered", "{record}", "Records kept as dead letters, by topic and error kind.");
        CopiesSkipped = _meter.CreateCounter<long>("logpipe.records.copies_skipped", "{record}", "Outbox records skipped and committed as copies of records this consumer group applied already, by topic.");
        SaveFailures = _meter.CreateCounter<long>("logpipe.save.failures", "{failure}", "Failed save attempts, by topic.");
        UnitRecords = _meter.CreateHistogram<int>("logpipe.unit_of_work.records", "{record}", "Records per committed unit of work.");
        UnitDuration = _meter.CreateHistogram<double>("logpipe.unit_of_work.duration", "s", "Time to apply and commit a unit of work.");
        CommitDuration = _meter.CreateHistogram("logpipe.unit_of_work.commit.duration", "s", "Time a unit of work's commit took, from the end of applying its records to the end of its transaction.", advice: DurationAdvice);
    }

    /// <summary>The activity source of send and process spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Whether metrics are recorded.</summary>
    public bool MetricsEnabled { get; }

    /// <summary>Whether activities are started.</summary>
    public bool TracingEnabled { get; }

    /// <summary>The meter (observable instruments such as lag are added by the consumer service).</summary>
    public Meter Meter => _meter;

    internal Counter<long> SentMessages { get; }

    internal Counter<long> ConsumedMessages { get; }

    internal Histogram<double> OperationDuration { get; }

    internal Histogram<double> ProcessDuration { get; }

    internal Counter<long> Applied { get; }

    internal Counter<long> Skipped { get; }

    internal Counter<long> DeadLettered { get; }

    internal Counter<long> CopiesSkipped { get; }

    internal Counter<long> SaveFailures { get; }

    internal Histogram<int> UnitRecords { get; }

    internal Histogram<double> UnitDuration { get; }

    internal Histogram<double> CommitDuration { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal static string MessagingSystem(string transportName) => transportName switch
    {
        "Kafka" => "kafka",
        "Kinesis" => "aws_kinesis",
        _ => transportName.ToLowerInvariant(),
    };
}
