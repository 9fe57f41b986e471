namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The typed security settings of <see cref="KafkaOptions"/> (<c>SecurityProtocol</c>, <c>Sasl:*</c>, <c>Ssl:*</c>) and
/// the librdkafka properties they set: keys without dots, so that a shell can export them as environment variables.
/// </summary>
internal static class KafkaSecuritySettings
{
    /// <summary>Each typed setting: its key below <c>LogPipe:Kafka</c>, its librdkafka property, and how to read it.</summary>
    public static readonly IReadOnlyList<(string Key, string Property, Func<KafkaOptions, string?> Read)> All =
    [
        ("SecurityProtocol", "security.protocol", o => o.SecurityProtocol),
        ("Sasl:Mechanism", "sasl.mechanism", o => o.Sasl.Mechanism),
        ("Sasl:Username", "sasl.username", o => o.Sasl.Username),
        ("Sasl:Password", "sasl.password", o => o.Sasl.Password),
        ("Sasl:OAuthBearerClientId", "sasl.oauthbearer.client.id", o => o.Sasl.OAuthBearerClientId),
        ("Sasl:OAuthBearerClientSecret", "sasl.oauthbearer.client.secret", o => o.Sasl.OAuthBearerClientSecret),
        ("Sasl:OAuthBearerConfig", "sasl.oauthbearer.config", o => o.Sasl.OAuthBearerConfig),
        ("Ssl:KeyPassword", "ssl.key.password", o => o.Ssl.KeyPassword),
        ("Ssl:KeyPem", "ssl.key.pem", o => o.Ssl.KeyPem),
        ("Ssl:CertificatePem", "ssl.certificate.pem", o => o.Ssl.CertificatePem),
        ("Ssl:CaPem", "ssl.ca.pem", o => o.Ssl.CaPem),
        ("Ssl:KeystorePassword", "ssl.keystore.password", o => o.Ssl.KeystorePassword),
    ];

    /// <summary>The values of <c>security.protocol</c> librdkafka accepts.</summary>
    public static readonly IReadOnlyList<string> SecurityProtocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];

    /// <summary>The values of <c>sasl.mechanism</c> librdkafka accepts.</summary>
    public static readonly IReadOnlyList<string> SaslMechanisms = ["GSSAPI", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"];

    /// <summary>The librdkafka properties the typed settings that are set give.</summary>
    /// <param name="options">The Kafka options.</param>
    /// <returns>Property and value, for every typed setting with a value.</returns>
    public static Dictionary<string, string> Properties(KafkaOptions options)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, property, read) in All)
        {
            if (read(options) is { Length: > 0 } value) properties[property] = value;
        }

        return properties;
    }

    /// <summary>
    /// Typed settings whose librdkafka property is also in <c>Common</c>, <c>Producer</c> or <c>Consumer</c> with another
    /// value: which wins would depend on an order nobody sees, so startup refuses.
    /// </summary>
    /// <param name="options">The Kafka options.</param>
    /// <returns>The typed setting's key and the other key, for each conflict.</returns>
    public static IEnumerable<(string Key, string OtherKey)> Conflicts(KafkaOptions options)
    {
        foreach (var (key, property, read) in All)
        {
            if (read(options) is not { Length: > 0 } value) continue;
            foreach (var (name, dictionary) in new[] { ("Common", options.Common), ("Producer", options.Producer), ("Consumer", options.Consumer) })
            {
                if (dictionary.TryGetValue(property, out var other) && !string.Equals(other, value, StringComparison.Ordinal))
                {
                    yield return (key, $"{name}:{property}");
                }
            }
        }
    }
}
