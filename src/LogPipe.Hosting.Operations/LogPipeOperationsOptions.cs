namespace LogPipe.Hosting.Operations;

/// <summary>
/// Where an operator tool outside the service finds LogPipe's tables and the Kafka cluster, when not (only) from the
/// service's configuration: each value set here wins over its setting (<c>LogPipe:Admin:*</c>, <c>LogPipe:Kafka:BootstrapServers</c>).
/// </summary>
public sealed class LogPipeOperationsOptions
{
    /// <summary>The database of LogPipe's tables: <c>sqlite</c>, <c>postgres</c> or <c>sqlserver</c> (default: <c>LogPipe:Admin:Provider</c>).</summary>
    public string? Provider { get; set; }

    /// <summary>Its connection string (default: <c>LogPipe:Admin:ConnectionString</c>, or <c>ConnectionStrings:&lt;LogPipe:Admin:ConnectionStringName&gt;</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema of LogPipe's tables, as given to <c>ApplyLogPipeConfiguration</c> (default: <c>LogPipe:Admin:Schema</c>).</summary>
    public string? Schema { get; set; }

    /// <summary>Kafka bootstrap servers (default: <c>LogPipe:Kafka:BootstrapServers</c>).</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>How long to wait for the Kafka cluster before giving up.</summary>
    public TimeSpan KafkaTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the Kafka clients' own log goes, secrets scrubbed; <see langword="null"/> drops it.</summary>
    public TextWriter? KafkaLog { get; set; }
}
