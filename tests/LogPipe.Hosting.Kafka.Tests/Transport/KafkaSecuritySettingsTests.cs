using Confluent.Kafka;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>
/// Kafka's secrets have keys without dots (<c>LogPipe:Kafka:Sasl:Password</c>), so a shell can export them
/// (<c>LogPipe__Kafka__Sasl__Password</c>); they reach librdkafka's configuration and never its logs.
/// </summary>
public sealed class KafkaSecuritySettingsTests
{
    private const string Secret = "env-s3cr3t-do-not-log";

    [Fact]
    public void Secrets_exported_as_environment_variables_reach_the_librdkafka_configuration_and_are_scrubbed()
    {
        using var exported = new ExportedVariables(new Dictionary<string, string>
        {
            ["LogPipe__Kafka__SecurityProtocol"] = "sasl_ssl",
            ["LogPipe__Kafka__Sasl__Mechanism"] = "SCRAM-SHA-512",
            ["LogPipe__Kafka__Sasl__Username"] = "people-api",
            ["LogPipe__Kafka__Sasl__Password"] = Secret,
            ["LogPipe__Kafka__Ssl__KeyPassword"] = Secret + "-key",
        });
        using var services = ServicesFrom(exported.Configuration());

        var settings = new KafkaClientSettings(services.GetRequiredService<IOptions<KafkaOptions>>().Value, "broker:9092", "group");

        foreach (var config in new ClientConfig[] { settings.ProducerConfig(), settings.ConsumerConfig() })
        {
            Assert.Equal("sasl_ssl", config.Get("security.protocol"));
            Assert.Equal("SCRAM-SHA-512", config.Get("sasl.mechanism"));
            Assert.Equal("people-api", config.Get("sasl.username"));
            Assert.Equal(Secret, config.Get("sasl.password"));
            Assert.Equal(Secret + "-key", config.Get("ssl.key.password"));
            Assert.DoesNotContain(Secret, KafkaClientSettings.Describe(config), StringComparison.Ordinal);
        }

        Assert.Equal(Secret, settings.CommonProperties()["sasl.password"]);
        Assert.DoesNotContain(Secret, settings.Redactor.Redact($"SASL authentication failed with password {Secret}"), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret + "-key", settings.Redactor.Redact($"bad key passphrase {Secret}-key"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_typed_secret_and_a_different_value_for_the_same_property_in_Common_fail_startup_naming_both_keys()
    {
        using var services = Services(new()
        {
            ["LogPipe:Kafka:Sasl:Password"] = Secret,
            ["LogPipe:Kafka:Common:sasl.password"] = "another",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("LogPipe:Kafka:Sasl:Password: conflicts with Common:sasl.password in the same section", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("another", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typed_setting_and_the_same_value_in_Producer_are_accepted()
    {
        using var services = Services(new()
        {
            ["LogPipe:Kafka:Sasl:Username"] = "people-api",
            ["LogPipe:Kafka:Producer:sasl.username"] = "people-api",
        });

        Assert.Equal("people-api", services.GetRequiredService<IOptions<KafkaOptions>>().Value.Sasl.Username);
    }

    [Theory]
    [InlineData("SecurityProtocol", "tls", "LogPipe:Kafka:SecurityProtocol: 'tls' is not a security protocol; use plaintext, ssl, sasl_plaintext, sasl_ssl.")]
    [InlineData("Sasl:Mechanism", "SCRAM", "LogPipe:Kafka:Sasl:Mechanism: 'SCRAM' is not a SASL mechanism; use GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER.")]
    [InlineData("AutoOffsetReset", "middle", "LogPipe:Kafka:AutoOffsetReset: 'middle' is not one of the allowed values: earliest, latest.")]
    public void A_bad_security_or_offset_setting_fails_startup_naming_the_key_and_the_allowed_values(string key, string value, string message)
    {
        using var services = Services(new() { ["LogPipe:Kafka:" + key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaOptions>>().Value);

        Assert.Contains(message, error.Failures);
    }

    [Theory]
    [InlineData("earliest", KafkaAutoOffsetReset.Earliest, "earliest")]
    [InlineData("latest", KafkaAutoOffsetReset.Latest, "latest")]
    [InlineData("Latest", KafkaAutoOffsetReset.Latest, "latest")]
    public void The_offset_reset_binds_from_the_values_configuration_files_use(string value, KafkaAutoOffsetReset reset, string librdkafka)
    {
        using var services = Services(new() { ["LogPipe:Kafka:AutoOffsetReset"] = value });

        var options = services.GetRequiredService<IOptions<KafkaOptions>>().Value;

        Assert.Equal(reset, options.AutoOffsetReset);
        Assert.Equal(librdkafka, new KafkaClientSettings(options, "broker:9092", "group").ConsumerConfig().Get("auto.offset.reset"));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        ServicesFrom(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static ServiceProvider ServicesFrom(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLogPipe(configuration.GetSection("LogPipe"), lp => lp.UseKafka().UseInMemoryOffsets());
        return services.BuildServiceProvider();
    }
}
