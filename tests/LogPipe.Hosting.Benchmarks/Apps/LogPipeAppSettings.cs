using LogPipe.Hosting.Benchmarks.Databases;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>How to build one <see cref="LogPipeApp"/>.</summary>
public sealed record LogPipeAppSettings
{
    /// <summary>Adds the transport (<c>UseKafka()</c>, <c>UseKinesis()</c>).</summary>
    public required Action<LogPipeBuilder> UseTransport { get; init; }

    /// <summary>Configuration keys under <c>LogPipe:</c> (transport settings, consumer group...).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>The database of a consumer app; a producer-only app has none.</summary>
    public BenchmarkDatabase? Database { get; init; }

    /// <summary>The topic or stream <c>IProducer&lt;Person&gt;</c> sends to, if the app produces.</summary>
    public string? ProduceTo { get; init; }

    /// <summary>
    /// Whether the app's producer also goes through the transactional outbox in <see cref="Database"/>
    /// (<c>UseEntityFrameworkOutbox</c>, whose relay runs once the app starts).
    /// </summary>
    public bool Outbox { get; init; }

    /// <summary>The topic or stream the app consumes, if it does.</summary>
    public string? ConsumeFrom { get; init; }

    /// <summary>What the consumer registers.</summary>
    public ConsumerSerializers Serializers { get; init; } = ConsumerSerializers.NoOp;

    /// <summary>Times the database calls of the consumer (<c>--db-profile</c>), or <see langword="null"/>.</summary>
    public DatabaseCallProfile? DatabaseProfile { get; init; }

    /// <summary>Counts committed records of the consumer.</summary>
    public ApplyProgress? Progress { get; init; }
}
