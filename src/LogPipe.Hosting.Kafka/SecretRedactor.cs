namespace LogPipe.Hosting.Kafka;

/// <summary>Replaces configured secret values with <c>***</c> in text that is about to be logged or thrown.</summary>
public sealed class SecretRedactor
{
    private readonly string[] _secrets;

    /// <summary>Creates a redactor for these secret values.</summary>
    /// <param name="secrets">The values to hide (empty ones are ignored).</param>
    public SecretRedactor(IEnumerable<string> secrets) =>
        _secrets = (secrets ?? []).Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

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
