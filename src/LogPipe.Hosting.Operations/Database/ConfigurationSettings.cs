using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>Reads settings as the operator layer does: a blank value counts as unset.</summary>
internal static class ConfigurationSettings
{
    /// <summary>The value at <paramref name="key"/>, or <see langword="null"/> when unset or blank.</summary>
    public static string? Setting(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key];
    }
}
