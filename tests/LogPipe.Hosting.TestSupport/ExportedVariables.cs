using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// Real environment variables, as a shell exports them (<c>LogPipe__Kafka__Sasl__Password</c>), under a prefix of their
/// own so that tests running side by side never see each other's; read back the way a host reads exported variables,
/// and removed on dispose.
/// </summary>
public sealed class ExportedVariables : IDisposable
{
    private readonly string _prefix = $"LPTEST{Guid.NewGuid():N}_";
    private readonly List<string> _names = [];

    /// <summary>Exports <paramref name="variables"/> (names as a shell writes them).</summary>
    public ExportedVariables(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(_prefix + name, value);
            _names.Add(_prefix + name);
        }
    }

    /// <summary>The configuration <c>AddEnvironmentVariables</c> builds from them (<c>__</c> becomes <c>:</c>).</summary>
    public IConfigurationRoot Configuration() => new ConfigurationBuilder().AddEnvironmentVariables(_prefix).Build();

    public void Dispose()
    {
        foreach (var name in _names) Environment.SetEnvironmentVariable(name, null);
    }
}
