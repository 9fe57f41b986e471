using System.Data.Common;

namespace LogPipe.Hosting.Operations;

/// <summary>Hides a connection string's password in text about to be printed (a driver's message may quote it).</summary>
internal static class ConnectionStringSecrets
{
    private static readonly string[] SecretKeys = ["password", "pwd"];

    public static string Redact(string message, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var secret in Values(connectionString)) message = message.Replace(secret, "***", StringComparison.Ordinal);
        return message;
    }

    /// <summary>The secret values in a connection string (passwords); the whole string when it cannot be parsed.</summary>
    public static IEnumerable<string> Values(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString)) return [];
        DbConnectionStringBuilder parsed;
        try
        {
            parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // Unparseable: the whole string could be a secret.
            return [connectionString];
        }

        var secrets = new List<string>();
        foreach (string key in parsed.Keys)
        {
            if (SecretKeys.Any(s => key.Contains(s, StringComparison.OrdinalIgnoreCase)) && parsed[key] is string { Length: > 0 } secret) secrets.Add(secret);
        }

        return secrets;
    }
}
