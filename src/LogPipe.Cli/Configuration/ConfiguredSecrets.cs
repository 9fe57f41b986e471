using LogPipe.Hosting.Kafka;
using LogPipe.Hosting.Operations;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Cli.Configuration;

/// <summary>
/// Every secret value the tool was given — passwords in connection strings (<c>--connection-string</c>,
/// <c>LogPipe:Admin:ConnectionString</c>, <c>ConnectionStrings:*</c>), librdkafka's secret properties (<c>sasl.password</c>,
/// <c>ssl.key.password</c>, …), the AWS secret key and session token, and any setting named like a password, secret or
/// token — so that whatever the tool prints can be scrubbed of them, whichever client's error quotes them.
/// </summary>
internal static class ConfiguredSecrets
{
    private static readonly string[] SecretNameParts = ["password", "passwd", "pwd", "secret", "passphrase"];

    /// <summary>A redactor for the secrets in <paramref name="configuration"/> (when loaded) and <paramref name="connectionStringOption"/>.</summary>
    public static SecretRedactor Collect(ToolConfiguration? configuration, string? connectionStringOption)
    {
        var secrets = new List<string>(ConnectionStringSecrets.Values(connectionStringOption));
        foreach (var (key, value) in configuration?.Root.AsEnumerable() ?? [])
        {
            if (string.IsNullOrEmpty(value) || bool.TryParse(value, out _)) continue;
            var name = key[(key.LastIndexOf(':') + 1)..];
            if (key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase) || name.Equals("ConnectionString", StringComparison.OrdinalIgnoreCase))
            {
                secrets.AddRange(ConnectionStringSecrets.Values(value));
            }
            else if (KafkaClientSettings.SecretProperties.Contains(name)
                || IsTypedKafkaSecret(key)
                || SecretNameParts.Any(p => name.Contains(p, StringComparison.OrdinalIgnoreCase))
                || name.EndsWith("token", StringComparison.OrdinalIgnoreCase))
            {
                secrets.Add(value);
            }
        }

        return new SecretRedactor(secrets);
    }

    /// <summary>
    /// Whether <paramref name="key"/> is one of <c>LogPipe:Kafka</c>'s typed keys for a secret librdkafka property
    /// (<c>Sasl:Password</c>, <c>Ssl:KeyPem</c>, …), whose own name need not sound like a secret.
    /// </summary>
    private static bool IsTypedKafkaSecret(string key) => KafkaSecuritySettings.All.Any(setting =>
        SecretRedactor.IsSecretProperty(setting.Property) && key.EndsWith(":Kafka:" + setting.Key, StringComparison.OrdinalIgnoreCase));
}
