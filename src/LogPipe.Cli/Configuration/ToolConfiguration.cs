using Microsoft.Extensions.Configuration;

namespace LogPipe.Cli.Configuration;

/// <summary>
/// The service's configuration as the service itself reads it: its appsettings.json, the environment's
/// appsettings.{Environment}.json, then environment variables (<c>LogPipe__Kafka__BootstrapServers</c>).
/// </summary>
internal sealed class ToolConfiguration
{
    private const string DefaultFileName = "appsettings.json";

    private ToolConfiguration(IConfiguration root, IReadOnlyList<string> files)
    {
        Root = root;
        Files = files;
    }

    /// <summary>The merged configuration.</summary>
    public IConfiguration Root { get; }

    /// <summary>The files that were read, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The value at <paramref name="key"/>, or <see langword="null"/> when unset or blank.</summary>
    public string? this[string key] => string.IsNullOrWhiteSpace(Root[key]) ? null : Root[key];

    /// <summary>Reads the configuration.</summary>
    /// <param name="configFile">--config; when <see langword="null"/>, ./appsettings.json if it exists.</param>
    /// <param name="environment">--environment; when <see langword="null"/>, DOTNET_ENVIRONMENT, then ASPNETCORE_ENVIRONMENT.</param>
    /// <exception cref="CommandException">The file given does not exist or is not valid JSON (exit code 2).</exception>
    public static ToolConfiguration Load(FileInfo? configFile, string? environment)
    {
        string? baseFile;
        if (configFile is not null)
        {
            if (!configFile.Exists) throw CommandException.Usage($"Configuration file '{configFile.FullName}' not found (--config).");
            baseFile = configFile.FullName;
        }
        else
        {
            var local = Path.GetFullPath(DefaultFileName);
            baseFile = File.Exists(local) ? local : null;
        }

        environment ??= NonBlank(System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))
            ?? NonBlank(System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"));

        var files = new List<string>();
        if (baseFile is not null) files.Add(baseFile);
        if (environment is not null)
        {
            var directory = Path.GetDirectoryName(baseFile) ?? Directory.GetCurrentDirectory();
            var environmentFile = Path.Combine(directory, $"appsettings.{environment}.json");
            if (File.Exists(environmentFile)) files.Add(environmentFile);
        }

        var builder = new ConfigurationBuilder();
        foreach (var file in files) builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        builder.AddEnvironmentVariables();
        try
        {
            return new ToolConfiguration(builder.Build(), files);
        }
        catch (InvalidDataException ex)
        {
            // The message names the file; the inner one says where the JSON breaks.
            throw CommandException.Usage($"{ex.Message} {ex.InnerException?.Message}".Trim());
        }
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
