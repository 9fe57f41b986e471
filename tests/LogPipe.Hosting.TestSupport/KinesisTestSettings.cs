namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// LogPipe settings that suit kinesalite in tests: the Kinesis transport on a local endpoint with test credentials (any
/// well-formed signature passes), quick polling, shard discovery and retries, short failure backoffs.
/// </summary>
public static class KinesisTestSettings
{
    /// <summary>The access key tests sign with.</summary>
    public const string AccessKey = "AKIDKINESALITETEST";

    /// <summary>The secret key tests sign with.</summary>
    public const string SecretKey = "kinesalite-test-secret-key";

    public static Dictionary<string, string?> Defaults(Uri serviceUrl, string group) => new()
    {
        ["LogPipe:Transport"] = "Kinesis",
        ["LogPipe:ConsumerGroup"] = group,
        ["LogPipe:Failures:InitialBackoffMs"] = "20",
        ["LogPipe:Failures:MaxBackoffMs"] = "500",
        ["LogPipe:UnitOfWork:IdlePollMs"] = "200",
        ["LogPipe:Kinesis:Region"] = "us-east-1",
        ["LogPipe:Kinesis:ServiceUrl"] = serviceUrl.ToString(),
        ["LogPipe:Kinesis:AccessKey"] = AccessKey,
        ["LogPipe:Kinesis:SecretKey"] = SecretKey,
        ["LogPipe:Kinesis:IdlePollIntervalMs"] = "400",
        ["LogPipe:Kinesis:ShardDiscoveryIntervalMs"] = "500",
        ["LogPipe:Kinesis:RetryBaseDelayMs"] = "10",
        ["LogPipe:Kinesis:RetryMaxDelayMs"] = "200",
        ["LogPipe:Kinesis:RequestTimeoutMs"] = "15000",
    };
}
