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
    /// <see cref="KinesisInitialPosition.TrimHorizon"/> (default: everything still kept), <see cref="KinesisInitialPosition.Latest"/>
    /// (only records written from now on) or <see cref="KinesisInitialPosition.AtTimestamp"/> (from <see cref="InitialTimestamp"/>);
    /// configuration takes <c>TRIM_HORIZON</c>, <c>LATEST</c> or <c>AT_TIMESTAMP</c> as well. Shards created by resharding
    /// later, and the children of shards this group has read, always start at their beginning so that nothing between
    /// parent and child is skipped.
    /// </summary>
    public KinesisInitialPosition InitialPosition { get; set; } = KinesisInitialPosition.TrimHorizon;

    /// <summary>The arrival time to start from when <see cref="InitialPosition"/> is <c>AT_TIMESTAMP</c>.</summary>
    public DateTimeOffset? InitialTimestamp { get; set; }

    /// <summary>Most records one GetRecords call returns (its <c>Limit</c>, 1 to 10000). Default 1000.</summary>
    public int MaxRecordsPerRead { get; set; } = 1000;

    /// <summary>
    /// The shortest time between two GetRecords calls on one shard (<c>PollInterval</c>; the former <c>PollIntervalMs</c> is
    /// still read). Kinesis allows 5 calls per second per shard, so at least 200 ms (the default).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest time between two GetRecords calls on an idle shard (<c>IdlePollInterval</c>; the former
    /// <c>IdlePollIntervalMs</c> is still read): a shard that returned nothing is polled less and less often, doubling from
    /// <see cref="PollInterval"/> up to this. Default one second.
    /// </summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the shard list is read again to find shards created by resharding (<c>ShardDiscoveryInterval</c>; the
    /// former <c>ShardDiscoveryIntervalMs</c> is still read). A shard that reaches its end also triggers a listing at once.
    /// Default ten seconds.
    /// </summary>
    public TimeSpan ShardDiscoveryInterval { get; set; } = TimeSpan.FromSeconds(10);

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
    /// The backoff before the first retry of a put or a read (<c>RetryBaseDelay</c>; the former <c>RetryBaseDelayMs</c> is
    /// still read); it doubles with every further retry, up to <see cref="RetryMaxDelay"/>, and is jittered. Default 100 ms.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest backoff between retries (<c>RetryMaxDelay</c>; the former <c>RetryMaxDelayMs</c> is still read). Default 5 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times the client retries one call after throttling, a 5xx answer or a network fault, before the transport
    /// sees the failure (0 to 50). Default 3.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>How long one HTTP attempt may take (<c>RequestTimeout</c>; the former <c>RequestTimeoutMs</c> is still read). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

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
        BaseBackoff = RetryBaseDelay,
        MaxBackoff = RetryMaxDelay,
        RequestTimeout = RequestTimeout,
    };

    /// <summary>
    /// The backoff puts and reads retry with (<see cref="RetryBaseDelay"/> doubling up to <see cref="RetryMaxDelay"/>,
    /// full jitter), never starting below 1 ms so a failing loop cannot spin.
    /// </summary>
    internal RetryBackoff CreateBackoff() => new(AtLeastOneMillisecond(RetryBaseDelay), AtLeastOneMillisecond(RetryMaxDelay));

    private static TimeSpan AtLeastOneMillisecond(TimeSpan value) => value < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : value;

    /// <summary>Describes the options for logs, without the secret key or session token.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"KinesisOptions {{ Region = {Region ?? "(default chain)"}, ServiceUrl = {ServiceUrl ?? "(regional endpoint)"}, "
        + $"Credentials = {(string.IsNullOrEmpty(AccessKey) ? "(default chain)" : "explicit, secret ***")}, ApplicationName = {ApplicationName ?? "(LogPipe:ConsumerGroup)"}, "
        + $"InitialPosition = {InitialPosition}, MaxRecordsPerRead = {MaxRecordsPerRead}, PollInterval = {PollInterval}, "
        + $"IdlePollInterval = {IdlePollInterval}, ShardDiscoveryInterval = {ShardDiscoveryInterval}, ShardQueueCapacity = {ShardQueueCapacity}, "
        + $"MaxPutAttempts = {MaxPutAttempts}, MaxConcurrentPuts = {MaxConcurrentPuts}, RetryBaseDelay = {RetryBaseDelay}, "
        + $"RetryMaxDelay = {RetryMaxDelay}, MaxRetries = {MaxRetries}, RequestTimeout = {RequestTimeout} }}");
}
