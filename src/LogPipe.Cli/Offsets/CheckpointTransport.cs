using Microsoft.Extensions.Configuration;

namespace LogPipe.Cli.Offsets;

/// <summary>The transport part of a checkpoint's key, as the library writes it: <c>kafka</c>, <c>kinesis:&lt;region&gt;</c>, <c>memory</c>.</summary>
internal static class CheckpointTransport
{
    public const string Kafka = "kafka";
    public const string Memory = "memory";
    public const string KinesisPrefix = "kinesis";

    public static bool IsKafka(string transport) => transport == Kafka;

    public static bool IsKinesis(string transport) => transport == KinesisPrefix || transport.StartsWith(KinesisPrefix + ":", StringComparison.Ordinal);

    /// <summary>The transport the configuration selects (<c>LogPipe:Transport</c>), or <see langword="null"/> when it cannot tell.</summary>
    public static string? FromConfiguration(Configuration.ToolConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["LogPipe:Transport"]?.ToUpperInvariant() switch
        {
            "KAFKA" => Kafka,
            "INMEMORY" => Memory,
            "KINESIS" => configuration["LogPipe:Kinesis:Region"] is { } region ? $"{KinesisPrefix}:{region}" : null,
            null when configuration.Root.GetSection("LogPipe:Kafka").Exists() => Kafka,
            _ => null,
        };
    }
}
