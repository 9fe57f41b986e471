namespace LogPipe.Hosting;

/// <summary>LogPipe's settings, bound from the <c>LogPipe</c> configuration section and validated at startup.</summary>
public sealed class LogPipeOptions
{
    /// <summary>The configuration section LogPipe reads by convention.</summary>
    public const string SectionName = "LogPipe";

    /// <summary>
    /// The transport to run on, by the name it was added under: <c>Kafka</c>, <c>Kinesis</c>, <c>InMemory</c> or a
    /// third-party transport's name (a string, not an enum, because transports are an open set). Optional when exactly one
    /// transport was added with <c>UseKafka()</c>/<c>UseKinesis()</c>; <c>InMemory</c> when none was. A name no added
    /// transport has is a startup error listing the added ones.
    /// </summary>
    public string? Transport { get; set; }

    /// <summary>
    /// The format producers write: <see cref="MessageFormat.Json"/> (default) or <see cref="MessageFormat.MsgPack"/>;
    /// configuration takes <c>json</c> or <c>msgpack</c>. Consumers read both.
    /// </summary>
    public MessageFormat DefaultFormat { get; set; } = MessageFormat.Json;

    /// <summary>Written into every envelope as <c>producer</c> when set, as django-logpipe's <c>PRODUCER_ID</c>.</summary>
    public string? ProducerId { get; set; }

    /// <summary>
    /// A record is not applied until it is at least this old (<c>LogPipe:MinMessageLag</c>, for example <c>00:00:05</c>;
    /// the former <c>MinMessageLagMs</c>, in milliseconds, is still read). Default zero.
    /// </summary>
    public TimeSpan MinMessageLag { get; set; }

    /// <summary>
    /// The name this service's consumers share: the Kafka group id unless <c>Kafka:GroupId</c> says otherwise, and part of
    /// every stored checkpoint's key, so several groups can share one database. Defaults to the application name.
    /// </summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>
    /// How message fields are named on the wire: <see cref="Hosting.FieldNaming.SnakeCaseLower"/> (default, what Django
    /// services send), or another <see cref="Hosting.FieldNaming"/>.
    /// </summary>
    public FieldNaming FieldNaming { get; set; } = FieldNaming.SnakeCaseLower;

    /// <summary>Whether the hosted consumer service runs. Default <see langword="true"/>; turn off in processes that only produce.</summary>
    public bool EnableConsumers { get; set; } = true;

    /// <summary>Turns off LogPipe's metrics (meter <c>LogPipe.Hosting</c>).</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>Turns off LogPipe's traces (activity source <c>LogPipe.Hosting</c>) and trace-context headers.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Does not register LogPipe's health check. Read when <c>AddLogPipe</c> runs.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Thresholds of the health check.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>How records are grouped into units of work.</summary>
    public UnitOfWorkOptions UnitOfWork { get; set; } = new();

    /// <summary>What happens when saving a record fails.</summary>
    public FailureOptions Failures { get; set; } = new();

    /// <summary>Forwarding of dead letters.</summary>
    public DeadLetterOptions DeadLetters { get; set; } = new();

    /// <summary>Limits a received record must stay within.</summary>
    public LimitOptions Limits { get; set; } = new();
}
