using System.Globalization;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Transport;

namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// Kinesis settings, bound from <c>LogPipe:Kinesis</c> and validated at startup. Only <see cref="Region"/> (or the AWS
/// region chain) is needed against AWS; add <see cref="ServiceUrl"/> for a local emulator such as kinesalite.
/// </summary>
/// <remarks><see cref="ToString"/> masks <see cref="SecretKey"/> and <see cref="SessionToken"/>, so the options can be logged.</remarks>
public sealed class KinesisOptions
{
    /// <summary>The <see cref="InitialPosition"/> that starts at the oldest record still kept (the default).</summary>
    public const string TrimHorizon = "TRIM_HORIZON";

    /// <summary>The <see cref="InitialPosition"/> that starts with the records written after the consumer started.</summary>
    public const string Latest = "LATEST";

    /// <summary>The <see cref="InitialPosition"/> that starts at the records that arrived at or after <see cref="InitialTimestamp"/>.</summary>
    public const string AtTimestamp = "AT_TIMESTAMP";

    /// <summary>
    /// The AWS region, such as <c>eu-west-1</c>: where the stream is, what requests are signed for, and part of every
    /// checkpoint's key (<c>kinesis:&lt;region&gt;</c>). When unset, the AWS SDK's region chain is asked (<c>AWS_REGION</c>,
    /// profile, instance metadata); with a <see cref="ServiceUrl"/> and no region anywhere, <c>us-east-1</c>.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// An endpoint to use instead of the region's, such as <c>http://127.0.0.1:4567</c> for kinesalite or a VPC endpoint.
    /// Leave unset (<see langword="null"/>) for AWS.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>An access key id to sign with; leave unset to use the AWS default credential chain (environment, profile, role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret key that goes with <see cref="AccessKey"/>. Never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The session token of temporary credentials, with <see cref="AccessKey"/> and <see cref="SecretKey"/>. Never logged.</summary>
    public string? SessionToken { get; set; }

    /// <summary>
    /// The Kinesis Client Library's name for the consumer group. When set it becomes <c>LogPipe:ConsumerGroup</c> (which
    /// must then be unset or the same): checkpoints are kept per consumer group, region, stream and shard.
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>
    /// Where a shard without a stored checkpoint starts, the first time this consumer group reads the stream:
    /// <c>TRIM_HORIZON</c> (default: everything still kept), <c>LATEST</c> (only records written from now on) or
    /// <c>AT_TIMESTAMP</c> (from <see cref="InitialTimestamp"/>). Shards created by resharding later, and the children of
    /// shards this group has read, always start at their beginning so that nothing between parent and child is skipped.
    /// </summary>
    public string InitialPosition { get; set; } = TrimHorizon;

    /// <summary>The arrival time to start from when <see cref="InitialPosition"/> is <c>AT_TIMESTAMP</c>.</summary>
    public DateTimeOffset? InitialTimestamp { get; set; }

    /// <summary>Most records one GetRecords call returns (its <c>Limit</c>, 1 to 10000). Default 1000.</summary>
    public int MaxRecordsPerRead { get; set; } = 1000;

    /// <summary>
    /// The shortest time between two GetRecords calls on one shard, in milliseconds. Kinesis allows 5 calls per second per
    /// shard, so at least 200 (the default).
    /// </summary>
    public int PollIntervalMs { get; set; } = 200;

    /// <summary>
    /// The longest time between two GetRecords calls on an idle shard, in milliseconds: a shard that returned nothing is
    /// polled less and less often, doubling from <see cref="PollIntervalMs"/> up to this. Default 1000.
    /// </summary>
    public int IdlePollIntervalMs { get; set; } = 1000;

    /// <summary>
    /// How often the shard list is read again to find shards created by resharding, in milliseconds. A shard that reaches
    /// its end also triggers a listing at once. Default 10000.
    /// </summary>
    public int ShardDiscoveryIntervalMs { get; set; } = 10_000;

    /// <summary>
    /// Records read ahead per shard and held in memory until applied. A full queue stops that shard's reads (backpressure).
    /// Never less than twice <see cref="MaxRecordsPerRead"/>, so the next page is read while the last one is applied.
    /// Default 2000.
    /// </summary>
    public int ShardQueueCapacity { get; set; } = 2000;

    /// <summary>
    /// Attempts at putting one record (PutRecords entries that fail, or whole calls that fail after the client's own
    /// retries) before <c>SendAsync</c> fails with the reason. Default 10.
    /// </summary>
    public int MaxPutAttempts { get; set; } = 10;

    /// <summary>PutRecords calls one send keeps in flight at once (each holds different partition keys). Default 4.</summary>
    public int MaxConcurrentPuts { get; set; } = 4;

    /// <summary>
    /// The backoff before the first retry of a put or a read, in milliseconds; it doubles with every further retry, up to
    /// <see cref="RetryMaxDelayMs"/>, and is jittered. Default 100.
    /// </summary>
    public int RetryBaseDelayMs { get; set; } = 100;

    /// <summary>The longest backoff between retries, in milliseconds. Default 5000.</summary>
    public int RetryMaxDelayMs { get; set; } = 5000;

    /// <summary>
    /// How many times the client retries one call after throttling, a 5xx answer or a network fault, before the transport
    /// sees the failure (0 to 50). Default 3.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>How long one HTTP attempt may take, in milliseconds. Default 30000.</summary>
    public int RequestTimeoutMs { get; set; } = 30_000;

    /// <summary>How the instances of a consumer group split the shards between them (<c>LogPipe:Kinesis:Leases</c>).</summary>
    public KinesisLeaseOptions Leases { get; set; } = new();

    /// <summary>The client settings these options describe.</summary>
    /// <returns>New client options.</returns>
    internal KinesisClientOptions ToClientOptions() => new()
    {
        Region = string.IsNullOrWhiteSpace(Region) ? null : Region,
        ServiceUrl = string.IsNullOrWhiteSpace(ServiceUrl) ? null : new Uri(ServiceUrl, UriKind.Absolute),
        AccessKey = string.IsNullOrEmpty(AccessKey) ? null : AccessKey,
        SecretKey = string.IsNullOrEmpty(SecretKey) ? null : SecretKey,
        SessionToken = string.IsNullOrEmpty(SessionToken) ? null : SessionToken,
        MaxRetries = MaxRetries,
        BaseBackoff = TimeSpan.FromMilliseconds(RetryBaseDelayMs),
        MaxBackoff = TimeSpan.FromMilliseconds(RetryMaxDelayMs),
        RequestTimeout = TimeSpan.FromMilliseconds(RequestTimeoutMs),
    };

    /// <summary>
    /// The backoff puts and reads retry with (<see cref="RetryBaseDelayMs"/> doubling up to <see cref="RetryMaxDelayMs"/>,
    /// full jitter), never starting below 1 ms so a failing loop cannot spin.
    /// </summary>
    internal RetryBackoff CreateBackoff() =>
        new(TimeSpan.FromMilliseconds(Math.Max(RetryBaseDelayMs, 1)), TimeSpan.FromMilliseconds(Math.Max(RetryMaxDelayMs, 1)));

    /// <summary>Describes the options for logs, without the secret key or session token.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"KinesisOptions {{ Region = {Region ?? "(default chain)"}, ServiceUrl = {ServiceUrl ?? "(regional endpoint)"}, "
        + $"Credentials = {(string.IsNullOrEmpty(AccessKey) ? "(default chain)" : "explicit, secret ***")}, ApplicationName = {ApplicationName ?? "(LogPipe:ConsumerGroup)"}, "
        + $"InitialPosition = {InitialPosition}, MaxRecordsPerRead = {MaxRecordsPerRead}, PollIntervalMs = {PollIntervalMs}, "
        + $"IdlePollIntervalMs = {IdlePollIntervalMs}, ShardDiscoveryIntervalMs = {ShardDiscoveryIntervalMs}, ShardQueueCapacity = {ShardQueueCapacity}, "
        + $"MaxPutAttempts = {MaxPutAttempts}, MaxConcurrentPuts = {MaxConcurrentPuts}, RetryBaseDelayMs = {RetryBaseDelayMs}, "
        + $"RetryMaxDelayMs = {RetryMaxDelayMs}, MaxRetries = {MaxRetries}, RequestTimeoutMs = {RequestTimeoutMs} }}");
}
