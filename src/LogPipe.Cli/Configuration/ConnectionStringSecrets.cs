using System.Data.Common;

namespace LogPipe.Cli.Configuration;

/// <summary>Hides a connection string's password in text about to be printed (a driver's message may quote it).</summary>
internal static class ConnectionStringSecrets
{
    private static readonly string[] SecretKeys = ["password", "pwd"];

    public static string Redact(string message, string connectionString)
    {
        DbConnectionStringBuilder parsed;
        try
        {
            parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // Unparseable: the whole string could be a secret.
            return message.Replace(connectionString, "***", StringComparison.Ordinal);
        }

        foreach (string key in parsed.Keys)
        {
            if (SecretKeys.Any(s => key.Contains(s, StringComparison.OrdinalIgnoreCase)) && parsed[key] is string { Length: > 0 } secret)
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }
}
