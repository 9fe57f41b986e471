using Confluent.Kafka;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

public sealed class KafkaSettingsTests
{
    private const string Secret = "s3cr3t-Pa55word-do-not-log";

    private static KafkaOptions Options() => new()
    {
        BootstrapServers = "broker:9092",
        Common = { ["security.protocol"] = "SASL_SSL", ["sasl.mechanism"] = "PLAIN", ["sasl.username"] = "svc", ["sasl.password"] = Secret },
        Producer = { ["linger.ms"] = "20" },
        Consumer = { ["session.timeout.ms"] = "30000" },
    };

    [Fact]
    public void Producer_defaults_are_idempotent_acks_all_and_the_java_partitioner_and_configuration_overrides_them()
    {
        var config = new KafkaClientSettings(Options(), "broker:9092", "group").ProducerConfig();
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
        Assert.Equal(Partitioner.Murmur2Random, config.Partitioner);
        Assert.Equal(20, config.LingerMs);
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
    }

    [Fact]
    public void Consumer_is_a_cooperative_sticky_group_member_and_never_auto_commits()
    {
        var options = Options();
        options.Consumer["enable.auto.commit"] = "true";
        var config = new KafkaClientSettings(options, "broker:9092", "people-replica").ConsumerConfig();
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal("people-replica", config.GroupId);
        Assert.False(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(30000, config.SessionTimeoutMs);
    }

    [Fact]
    public void On_the_embedded_broker_the_consumer_waits_at_most_10_ms_for_an_empty_fetch_unless_configured_otherwise()
    {
        var embedded = new KafkaOptions { BootstrapServers = KafkaOptions.Embedded };
        Assert.Equal(10, new KafkaClientSettings(embedded, "127.0.0.1:9092", "group").ConsumerConfig().FetchWaitMaxMs);

        embedded.Consumer["fetch.wait.max.ms"] = "50";
        Assert.Equal(50, new KafkaClientSettings(embedded, "127.0.0.1:9092", "group").ConsumerConfig().FetchWaitMaxMs);
    }

    [Fact]
    public void A_real_broker_keeps_librdkafkas_fetch_wait_since_it_answers_a_fetch_as_soon_as_a_record_arrives()
    {
        var config = new KafkaClientSettings(new KafkaOptions { BootstrapServers = "broker:9092" }, "broker:9092", "group").ConsumerConfig();
        Assert.Null(config.FetchWaitMaxMs);
    }

    [Fact]
    public void Describing_a_configuration_never_shows_secrets_and_the_redactor_scrubs_them_from_messages()
    {
        var settings = new KafkaClientSettings(Options(), "broker:9092", "group");
        var described = KafkaClientSettings.Describe(settings.ProducerConfig());
        Assert.DoesNotContain(Secret, described, StringComparison.Ordinal);
        Assert.Contains("sasl.password=***", described, StringComparison.Ordinal);
        Assert.Equal("auth failed for *** at broker", settings.Redactor.Redact($"auth failed for {Secret} at broker"));
    }

    [Theory]
    [InlineData("sasl.oauthbearer.assertion.private.key.passphrase")]
    [InlineData("sasl.oauthbearer.assertion.private.key.pem")]
    [InlineData("sasl.oauthbearer.client.secret")]
    [InlineData("sasl.oauthbearer.config")]
    [InlineData("sasl.password")]
    [InlineData("ssl.key.password")]
    [InlineData("ssl.key.pem")]
    [InlineData("ssl_key")]
    [InlineData("ssl.keystore.password")]
    [InlineData("SSL.Key.Password")]
    [InlineData("some.future.secret")]
    [InlineData("some.future.private.key.pem")]
    public void Every_secret_librdkafka_property_is_hidden_from_the_logged_configuration_and_from_messages(string key)
    {
        var options = Options();
        options.Common[key] = "-----BEGIN ENCRYPTED PRIVATE KEY----- MIIFHDBOBgkqhkiG9w0BBQ0w";
        var settings = new KafkaClientSettings(options, "broker:9092", "group");

        var described = KafkaClientSettings.Describe(settings.ProducerConfig());

        Assert.DoesNotContain("MIIFHDBOBgkqhkiG9w0BBQ0w", described, StringComparison.Ordinal);
        Assert.Contains($"{key}=***", described, StringComparison.Ordinal);
        Assert.Equal("key *** refused", settings.Redactor.Redact("key -----BEGIN ENCRYPTED PRIVATE KEY----- MIIFHDBOBgkqhkiG9w0BBQ0w refused"));
    }

    [Theory]
    [InlineData("ssl.key.location")]
    [InlineData("sasl.oauthbearer.assertion.private.key.file")]
    [InlineData("sasl.oauthbearer.token.endpoint.url")]
    [InlineData("ssl.certificate.pem")]
    [InlineData("sasl.username")]
    public void Paths_urls_and_public_certificates_stay_visible(string key)
    {
        Assert.False(SecretRedactor.IsSecretProperty(key));
        var options = Options();
        options.Common[key] = "visible-value";
        Assert.Contains($"{key}=visible-value", KafkaClientSettings.Describe(new KafkaClientSettings(options, "broker:9092", "group").ProducerConfig()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_logpipe_manages_are_refused_at_startup_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LogPipe:Kafka:Consumer:enable.auto.commit"] = "true",
        });
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddDbContext<TestDb>(o => o.UseSqlite("Data Source=:memory:"));
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp.UseKafka().UseInMemoryOffsets().AddConsumer("people", c => c.Register<PersonSerializerV1>()));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LogPipe:Kafka:Consumer", error.Message, StringComparison.Ordinal);
        Assert.Contains("'enable.auto.commit' is set by LogPipe", error.Message, StringComparison.Ordinal);
    }
}
