namespace LogPipe.Hosting.Kafka;

/// <summary>
/// TLS client keys and certificates given as values rather than files (<c>LogPipe:Kafka:Ssl</c>), each a librdkafka
/// property of producer and consumer alike, so that they can come from environment variables or a secret store
/// (<c>LogPipe__Kafka__Ssl__KeyPassword</c>). A property set here may also be given in <see cref="KafkaOptions.Common"/>,
/// <see cref="KafkaOptions.Producer"/> or <see cref="KafkaOptions.Consumer"/> only with the same value.
/// </summary>
public sealed class KafkaSslOptions
{
    /// <summary><c>ssl.key.password</c>: the passphrase of the client's private key. Never logged.</summary>
    public string? KeyPassword { get; set; }

    /// <summary><c>ssl.key.pem</c>: the client's private key in PEM form. Never logged.</summary>
    public string? KeyPem { get; set; }

    /// <summary><c>ssl.certificate.pem</c>: the client's certificate in PEM form.</summary>
    public string? CertificatePem { get; set; }

    /// <summary><c>ssl.ca.pem</c>: certificates of the authorities to trust, in PEM form.</summary>
    public string? CaPem { get; set; }

    /// <summary><c>ssl.keystore.password</c>: the password of the PKCS#12 keystore in <c>ssl.keystore.location</c>. Never logged.</summary>
    public string? KeystorePassword { get; set; }
}
