namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// LogPipe settings that suit the development broker in tests: 2 s sessions (rebalances wait session.timeout.ms − 1000),
/// quick reconnects after an outage, short fetch waits and <c>fetch.queue.backoff.ms=10</c>, short retry backoffs.
/// </summary>
public static class KafkaTestSettings
{
    public static Dictionary<string, string?> Defaults(string bootstrapServers, string group) => new()
    {
        ["LogPipe:Transport"] = "Kafka",
        ["LogPipe:ConsumerGroup"] = group,
        ["LogPipe:Failures:InitialBackoffMs"] = "20",
        ["LogPipe:Failures:MaxBackoffMs"] = "500",
        ["LogPipe:UnitOfWork:IdlePollMs"] = "200",
        ["LogPipe:Kafka:BootstrapServers"] = bootstrapServers,
        ["LogPipe:Kafka:Common:reconnect.backoff.ms"] = "50",
        ["LogPipe:Kafka:Common:reconnect.backoff.max.ms"] = "500",
        ["LogPipe:Kafka:Common:retry.backoff.ms"] = "50",
        ["LogPipe:Kafka:Common:retry.backoff.max.ms"] = "500",
        ["LogPipe:Kafka:Consumer:session.timeout.ms"] = "2000",
        ["LogPipe:Kafka:Consumer:heartbeat.interval.ms"] = "500",
        ["LogPipe:Kafka:Consumer:fetch.queue.backoff.ms"] = "10",
        ["LogPipe:Kafka:Consumer:fetch.wait.max.ms"] = "100",
        ["LogPipe:Kafka:Producer:message.timeout.ms"] = "60000",
    };
}
