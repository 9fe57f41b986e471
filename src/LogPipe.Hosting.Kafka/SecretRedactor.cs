namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Replaces configured secret values with <c>***</c> in text that is about to be logged or thrown, and tells which
/// librdkafka properties hold secrets (<see cref="IsSecretProperty"/>).
/// </summary>
internal sealed class SecretRedactor
{
    /// <summary>
    /// librdkafka's sensitive properties by name (CONFIGURATION.md marks them), plus the Java-client names users copy over.
    /// Properties not listed here are still secret when <see cref="IsSecretProperty"/>'s naming rule says so.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownSecretProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "sasl.password", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config",
        "sasl.oauthbearer.assertion.private.key.passphrase", "sasl.oauthbearer.assertion.private.key.pem",
        "ssl.key.password", "ssl.key.pem", "ssl_key", "ssl.keystore.password", "ssl.truststore.password", "sasl.kerberos.keytab",
    };

    // Substrings that make a property secret whatever librdkafka version added it: a new password or key property
    // must not be logged in clear just because this list was written before it existed.
    private static readonly string[] SecretWords = ["password", "passwd", "secret", "passphrase", "private.key", "privatekey"];

    private readonly string[] _secrets;

    /// <summary>Creates a redactor for these secret values.</summary>
    /// <param name="secrets">The values to hide (empty ones are ignored).</param>
    public SecretRedactor(IEnumerable<string> secrets) =>
        _secrets = (secrets ?? []).Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

    /// <summary>
    /// Whether a librdkafka property holds a secret: listed in <see cref="KnownSecretProperties"/>, or named like one
    /// (contains password, secret, passphrase or private.key; is a key in PEM form such as
    /// <c>ssl.key.pem</c>; or is an OAUTHBEARER configuration string). File paths to keys (<c>*.location</c>,
    /// <c>*.file</c>) are not secrets and stay visible.
    /// </summary>
    /// <param name="key">The property name, for example <c>sasl.password</c>.</param>
    /// <returns><see langword="true"/> when its value must never be logged.</returns>
    public static bool IsSecretProperty(string key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        if (KnownSecretProperties.Contains(key)) return true;
        var name = key.ToLowerInvariant();
        if (name.EndsWith(".location", StringComparison.Ordinal) || name.EndsWith(".file", StringComparison.Ordinal)) return false;
        if (SecretWords.Any(w => name.Contains(w, StringComparison.Ordinal))) return true;
        if (name.EndsWith("key.pem", StringComparison.Ordinal)) return true;
        return name.StartsWith("sasl.oauthbearer.", StringComparison.Ordinal) && name.EndsWith(".config", StringComparison.Ordinal);
    }

    /// <summary>The text with every secret value replaced by <c>***</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text.</returns>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text) || _secrets.Length == 0) return text ?? string.Empty;
        foreach (var secret in _secrets) text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }
}
