using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>The transport part of a checkpoint's key, as the library writes it: <c>kafka</c>, <c>kinesis:&lt;region&gt;</c>, <c>memory</c>.</summary>
internal static class CheckpointTransport
{
    public const string Kafka = "kafka";
    public const string Memory = "memory";
    public const string KinesisPrefix = "kinesis";

    public static bool IsKafka(string transport) => transport == Kafka;

    public static bool IsKinesis(string transport) => transport == KinesisPrefix || transport.StartsWith(KinesisPrefix + ":", StringComparison.Ordinal);

    /// <summary>The transport the configuration selects (<c>LogPipe:Transport</c>), or <see langword="null"/> when it cannot tell.</summary>
    public static string? FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.Setting("LogPipe:Transport")?.ToUpperInvariant() switch
        {
            "KAFKA" => Kafka,
            "INMEMORY" => Memory,
            "KINESIS" => configuration.Setting("LogPipe:Kinesis:Region") is { } region ? $"{KinesisPrefix}:{region}" : null,
            null when configuration.GetSection("LogPipe:Kafka").Exists() => Kafka,
            _ => null,
        };
    }
}
