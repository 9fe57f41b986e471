namespace LogPipe.Hosting.Kafka;

/// <summary>
/// SASL authentication (<c>LogPipe:Kafka:Sasl</c>), each setting a librdkafka property of producer and consumer alike.
/// Every key can be set from an environment variable, for example <c>LogPipe__Kafka__Sasl__Password</c>; a property set
/// here may also be given in <see cref="KafkaOptions.Common"/>, <see cref="KafkaOptions.Producer"/> or
/// <see cref="KafkaOptions.Consumer"/> only with the same value.
/// </summary>
public sealed class KafkaSaslOptions
{
    /// <summary>
    /// <c>sasl.mechanism</c>: <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c>, <c>OAUTHBEARER</c> or
    /// <c>GSSAPI</c>, spelled as librdkafka spells it.
    /// </summary>
    public string? Mechanism { get; set; }

    /// <summary><c>sasl.username</c>.</summary>
    public string? Username { get; set; }

    /// <summary><c>sasl.password</c>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary><c>sasl.oauthbearer.client.id</c>, for <c>OAUTHBEARER</c> with <c>sasl.oauthbearer.method=oidc</c>.</summary>
    public string? OAuthBearerClientId { get; set; }

    /// <summary><c>sasl.oauthbearer.client.secret</c>. Never logged.</summary>
    public string? OAuthBearerClientSecret { get; set; }

    /// <summary><c>sasl.oauthbearer.config</c>, the unsecured-JWT or OIDC configuration string. Never logged.</summary>
    public string? OAuthBearerConfig { get; set; }
}
