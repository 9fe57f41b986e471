using System.Globalization;
using System.Text;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// Where and how <see cref="KinesisClient"/> talks to Kinesis. Every setting is optional: by default
/// the region and the credentials come from the AWS SDK's default chains (environment, profile,
/// container or instance metadata), as they would for <c>AmazonKinesisClient</c>.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> never prints <see cref="SecretKey"/> or <see cref="SessionToken"/>, so the
/// options can be logged.
/// </remarks>
internal sealed class KinesisClientOptions
{
    /// <summary>The AWS region's system name, such as <c>eu-west-1</c>; also the SigV4 signing region.</summary>
    /// <remarks>
    /// When unset, the AWS SDK's region chain is asked (<c>AWS_REGION</c>, the profile, instance
    /// metadata); when that finds nothing and <see cref="ServiceUrl"/> is set, <c>us-east-1</c> is used.
    /// </remarks>
    public string? Region { get; set; }

    /// <summary>
    /// An endpoint to use instead of the region's, such as <c>http://127.0.0.1:4567</c> for kinesalite
    /// or a VPC endpoint. When unset, <c>https://kinesis.{region}.{partition domain}</c>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>An access key id to sign with; leave unset to use the default credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKey"/>. Never logged or printed.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The session token of temporary credentials, if any. Never logged or printed.</summary>
    public string? SessionToken { get; set; }

    /// <summary>
    /// How many times a call is retried after throttling, a 5xx answer, a network fault or a timeout
    /// (so a call is tried at most <c>MaxRetries + 1</c> times). Default 5; 0 turns retries off.
    /// </summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// The backoff before the first retry; each retry doubles it up to <see cref="MaxBackoff"/>, and the
    /// actual wait is drawn uniformly below that ("full jitter"). Default 100 ms.
    /// </summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest backoff between two attempts. Default 10 seconds.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take, from sending to the whole response read. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a connection may take, when the client creates its own <see cref="HttpClient"/>. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether explicit credentials are set (both <see cref="AccessKey"/> and <see cref="SecretKey"/>).</summary>
    public bool HasExplicitCredentials => !string.IsNullOrEmpty(AccessKey) && !string.IsNullOrEmpty(SecretKey);

    /// <summary>
    /// Checks the settings and throws, naming the setting, when one is out of range. The client calls
    /// this when it is created.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (MaxRetries is < 0 or > 50)
        {
            throw Invalid(nameof(MaxRetries), "must be between 0 and 50", MaxRetries);
        }

        if (BaseBackoff < TimeSpan.Zero)
        {
            throw Invalid(nameof(BaseBackoff), "must not be negative", BaseBackoff);
        }

        if (MaxBackoff < BaseBackoff)
        {
            throw Invalid(nameof(MaxBackoff), "must not be shorter than BaseBackoff", MaxBackoff);
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(RequestTimeout), "must be positive", RequestTimeout);
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(ConnectTimeout), "must be positive", ConnectTimeout);
        }

        if (ServiceUrl is { IsAbsoluteUri: false } || (ServiceUrl is not null && ServiceUrl.Scheme != Uri.UriSchemeHttp && ServiceUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(nameof(ServiceUrl), "must be an absolute http:// or https:// URL", ServiceUrl);
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            // Name the missing half only; the other half may be the secret.
            var missing = string.IsNullOrEmpty(AccessKey) ? nameof(AccessKey) : nameof(SecretKey);
            throw new ArgumentException(
                $"KinesisClientOptions.{missing} must be set together with the other half of the key pair, or both left unset to use the default credential chain.",
                missing);
        }

        if (!string.IsNullOrEmpty(SessionToken) && !HasExplicitCredentials)
        {
            throw new ArgumentException(
                "KinesisClientOptions.SessionToken needs AccessKey and SecretKey as well.",
                nameof(SessionToken));
        }
    }

    /// <summary>Describes the options for logs, with the secret key and session token masked.</summary>
    /// <returns>A one-line description without secrets.</returns>
    public override string ToString()
    {
        var text = new StringBuilder("KinesisClientOptions { ");
        text.Append(CultureInfo.InvariantCulture, $"Region = {Region ?? "(default chain)"}, ");
        text.Append(CultureInfo.InvariantCulture, $"ServiceUrl = {ServiceUrl?.ToString() ?? "(regional endpoint)"}, ");
        text.Append(CultureInfo.InvariantCulture, $"AccessKey = {MaskAccessKey(AccessKey)}, ");
        text.Append(CultureInfo.InvariantCulture, $"SecretKey = {(string.IsNullOrEmpty(SecretKey) ? "(unset)" : "***")}, ");
        text.Append(CultureInfo.InvariantCulture, $"SessionToken = {(string.IsNullOrEmpty(SessionToken) ? "(unset)" : "***")}, ");
        text.Append(CultureInfo.InvariantCulture, $"MaxRetries = {MaxRetries}, BaseBackoff = {BaseBackoff}, MaxBackoff = {MaxBackoff}, ");
        text.Append(CultureInfo.InvariantCulture, $"RequestTimeout = {RequestTimeout}, ConnectTimeout = {ConnectTimeout} }}");
        return text.ToString();
    }

    private static ArgumentException Invalid(string name, string rule, object? value) =>
        new($"KinesisClientOptions.{name} {rule} (was {value}).", name);

    // An access key id is not secret, but only its first four characters (AKIA/ASIA: the key kind)
    // are needed to tell keys apart in a log.
    private static string MaskAccessKey(string? accessKey) =>
        string.IsNullOrEmpty(accessKey) ? "(default chain)"
        : accessKey.Length <= 4 ? "****"
        : string.Concat(accessKey.AsSpan(0, 4), "****");
}
