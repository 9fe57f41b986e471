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
    [InlineData("PollInterval", "00:00:00.100", "LogPipe:Kinesis:PollInterval")]
    [InlineData("PollInterval", "fast", "LogPipe:Kinesis:PollInterval")]
    [InlineData("MaxRecordsPerRead", "20000", "LogPipe:Kinesis:MaxRecordsPerRead")]
    [InlineData("ServiceUrl", "localhost:4567", "LogPipe:Kinesis:ServiceUrl")]
    [InlineData("AccessKey", "AKIDONLYHALF", "LogPipe:Kinesis:SecretKey")]
    [InlineData("Region", "US East", "LogPipe:Kinesis:Region")]
    [InlineData("MaxPutAttempts", "0", "LogPipe:Kinesis:MaxPutAttempts")]
    [InlineData("Leases:Duration", "00:00:00", "LogPipe:Kinesis:Leases:Duration")]
    [InlineData("Leases:RenewInterval", "00:00:06", "LogPipe:Kinesis:Leases:RenewInterval")]
    [InlineData("Leases:MaxLeasesPerInstance", "0", "LogPipe:Kinesis:Leases:MaxLeasesPerInstance")]
    [InlineData("Leases:MaxStealsPerInterval", "-1", "LogPipe:Kinesis:Leases:MaxStealsPerInterval")]
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

    [Theory]
    [InlineData("TRIM_HORIZON", KinesisInitialPosition.TrimHorizon)]
    [InlineData("trim_horizon", KinesisInitialPosition.TrimHorizon)]
    [InlineData("TrimHorizon", KinesisInitialPosition.TrimHorizon)]
    [InlineData("LATEST", KinesisInitialPosition.Latest)]
    [InlineData("Latest", KinesisInitialPosition.Latest)]
    public void The_initial_position_binds_from_kinesis_spelling_and_from_its_name(string value, KinesisInitialPosition position)
    {
        using var services = Services(new() { ["LogPipe:Kinesis:InitialPosition"] = value });

        Assert.Equal(position, services.GetRequiredService<IOptions<KinesisOptions>>().Value.InitialPosition);
    }

    [Fact]
    public void A_bad_initial_position_fails_startup_naming_the_key_and_the_allowed_values()
    {
        using var services = Services(new() { ["LogPipe:Kinesis:InitialPosition"] = "EARLIEST" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KinesisOptions>>().Value);

        Assert.Contains("LogPipe:Kinesis:InitialPosition: 'EARLIEST' is not one of the allowed values: TRIM_HORIZON, LATEST, AT_TIMESTAMP.", ex.Failures);
    }

    [Fact]
    public void Durations_bind_from_their_former_millisecond_keys_and_from_time_spans()
    {
        using var services = Services(new()
        {
            ["LogPipe:Kinesis:PollIntervalMs"] = "250",
            ["LogPipe:Kinesis:IdlePollInterval"] = "00:00:02",
            ["LogPipe:Kinesis:ShardDiscoveryIntervalMs"] = "500",
            ["LogPipe:Kinesis:RetryBaseDelay"] = "00:00:00.010",
            ["LogPipe:Kinesis:RetryMaxDelayMs"] = "200",
            ["LogPipe:Kinesis:RequestTimeoutMs"] = "15000",
        });

        var options = services.GetRequiredService<IOptions<KinesisOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.IdlePollInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ShardDiscoveryInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ToClientOptions().RequestTimeout);
    }

    [Fact]
    public void Credentials_exported_as_environment_variables_reach_the_client_and_are_never_printed()
    {
        using var exported = new ExportedVariables(new Dictionary<string, string>
        {
            ["LogPipe__Kinesis__Region"] = "eu-west-1",
            ["LogPipe__Kinesis__AccessKey"] = "AKIDFROMENV",
            ["LogPipe__Kinesis__SecretKey"] = "env-secret-key-do-not-log",
            ["LogPipe__Kinesis__SessionToken"] = "env-session-token-do-not-log",
        });
        var services = new ServiceCollection().AddLogging();
        services.AddLogPipe(exported.Configuration().GetSection("LogPipe"), lp => lp.UseKinesis().AddConsumer("people", c => c.Register<PersonSerializerV2>()));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KinesisOptions>>().Value;
        var client = options.ToClientOptions();

        Assert.Equal("AKIDFROMENV", client.AccessKey);
        Assert.Equal("env-secret-key-do-not-log", client.SecretKey);
        Assert.Equal("env-session-token-do-not-log", client.SessionToken);
        Assert.DoesNotContain("env-secret-key-do-not-log", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("env-session-token-do-not-log", options.ToString(), StringComparison.Ordinal);
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
