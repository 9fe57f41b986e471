using Confluent.Kafka;
using LogPipe.Cli.Tests.Support;

namespace LogPipe.Cli.Tests;

public sealed class BrokerCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create(createDatabase: false);

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_broker_prints_its_bootstrap_servers_first_serves_its_topics_and_stops_on_a_signal(bool sigterm)
    {
        using var broker = _workspace.Start("broker", "--brokers", "2", "--topic", "people:3", "--topic", "places");
        await broker.WaitForOutputAsync("\n");
        var first = broker.StandardOutput.Split('\n')[0];
        Assert.Matches(@"^bootstrap\.servers=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$", first);

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = first["bootstrap.servers=".Length..] }).Build())
        {
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(30)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
            Assert.Equal(3, topics["people"]);
            Assert.Equal(4, topics["places"]);
        }

        if (sigterm) broker.Terminate();
        else broker.Interrupt();

        Assert.Equal(ExitCodes.Success, await broker.WaitForExitAsync());
        Assert.Contains("Never use it in production", broker.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--topic", "people:zero")]
    [InlineData("--topic", "bad/name")]
    [InlineData("--brokers", "0")]
    public async Task A_bad_broker_option_is_a_usage_error(params string[] arguments)
    {
        var result = (await _workspace.RunAsync(["broker", .. arguments])).Expect(ExitCodes.Usage);
        Assert.StartsWith("logpipe: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("bootstrap.servers=", result.Out, StringComparison.Ordinal);
    }
}
