using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary><c>LogPipe:Kinesis</c> is checked at startup, and a wrong setting is named by its key.</summary>
public sealed class KinesisOptionsTests
{
    [Theory]
    [InlineData("InitialPosition", "EARLIEST", "LogPipe:Kinesis:InitialPosition")]
    [InlineData("InitialPosition", "AT_TIMESTAMP", "LogPipe:Kinesis:InitialTimestamp")]
    [InlineData("PollIntervalMs", "100", "LogPipe:Kinesis:PollIntervalMs")]
    [InlineData("MaxRecordsPerRead", "20000", "LogPipe:Kinesis:MaxRecordsPerRead")]
    [InlineData("ServiceUrl", "localhost:4567", "LogPipe:Kinesis:ServiceUrl")]
    [InlineData("AccessKey", "AKIDONLYHALF", "LogPipe:Kinesis:SecretKey")]
    [InlineData("Region", "US East", "LogPipe:Kinesis:Region")]
    [InlineData("MaxPutAttempts", "0", "LogPipe:Kinesis:MaxPutAttempts")]
    public void A_wrong_setting_is_named_by_its_key(string key, string value, string named)
    {
        using var services = Services(new() { ["LogPipe:Kinesis:" + key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KinesisOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith(named + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_valid_and_the_secret_is_never_printed()
    {
        using var services = Services(new() { ["LogPipe:Kinesis:AccessKey"] = "AKIDEXAMPLE", ["LogPipe:Kinesis:SecretKey"] = "very-secret-key" });

        var options = services.GetRequiredService<IOptions<KinesisOptions>>().Value;

        Assert.Equal(KinesisInitialPosition.TrimHorizon, options.InitialPosition);
        Assert.DoesNotContain("very-secret-key", options.ToString());
        Assert.DoesNotContain("very-secret-key", options.ToClientOptions().ToString());
    }

    [Fact]
    public void ApplicationName_is_the_consumer_group()
    {
        using var services = Services(new() { ["LogPipe:Kinesis:ApplicationName"] = "people-replica" });

        Assert.Equal("people-replica", ConsumerGroupName.Resolve(services.GetRequiredService<IOptions<LogPipeOptions>>().Value));
    }

    [Fact]
    public void ApplicationName_and_a_different_consumer_group_are_refused()
    {
        using var services = Services(new() { ["LogPipe:Kinesis:ApplicationName"] = "people-replica", ["LogPipe:ConsumerGroup"] = "billing" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LogPipeOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("LogPipe:Kinesis:ApplicationName", StringComparison.Ordinal) && f.Contains("LogPipe:ConsumerGroup", StringComparison.Ordinal));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings.TryAdd("LogPipe:Kinesis:Region", "us-east-1");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLogPipe(configuration.GetSection("LogPipe"), lp => lp
            .UseKinesis()
            .AddConsumer("people", c => c.Register<PersonSerializerV2>()));
        return services.BuildServiceProvider();
    }
}
