using System.CommandLine;

namespace LogPipe.Cli;

/// <summary>The options every command accepts: where the configuration, the database and the Kafka cluster are.</summary>
internal static class GlobalOptions
{
    public static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "The service's appsettings.json (default: ./appsettings.json when present).",
        HelpName = "path",
        Recursive = true,
    };

    public static readonly Option<string?> Environment = new("--environment")
    {
        Description = "Also read appsettings.{environment}.json (default: DOTNET_ENVIRONMENT, then ASPNETCORE_ENVIRONMENT).",
        HelpName = "name",
        Recursive = true,
    };

    public static readonly Option<string?> Provider = new("--provider")
    {
        Description = "Database of LogPipe's tables: sqlite, postgres or sqlserver (default: LogPipe:Admin:Provider).",
        HelpName = "provider",
        Recursive = true,
    };

    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "Connection string of that database (default: LogPipe:Admin:ConnectionString, or ConnectionStrings:<LogPipe:Admin:ConnectionStringName>).",
        HelpName = "text",
        Recursive = true,
    };

    public static readonly Option<string?> Schema = new("--schema")
    {
        Description = "Schema of LogPipe's tables, as given to ApplyLogPipeConfiguration (default: LogPipe:Admin:Schema).",
        HelpName = "name",
        Recursive = true,
    };

    public static readonly Option<string?> BootstrapServers = new("--bootstrap-servers")
    {
        Description = "Kafka bootstrap servers (default: LogPipe:Kafka:BootstrapServers).",
        HelpName = "host:port,...",
        Recursive = true,
    };

    public static readonly Option<int> KafkaTimeout = new("--kafka-timeout")
    {
        Description = "Seconds to wait for the Kafka cluster before giving up.",
        HelpName = "seconds",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print client logs and error details to stderr (secrets stay hidden).",
        Recursive = true,
    };

    public static void AddTo(Command root)
    {
        foreach (var option in new Option[] { Config, Environment, Provider, ConnectionString, Schema, BootstrapServers, KafkaTimeout, Verbose })
        {
            root.Options.Add(option);
        }

        KafkaTimeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0) r.AddError("--kafka-timeout must be a positive number of seconds.");
        });
    }
}
