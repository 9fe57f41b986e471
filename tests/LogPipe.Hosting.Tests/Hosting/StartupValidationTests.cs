using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Hosting;

public sealed class StartupValidationTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(IDictionary<string, string?> settings)
    {
        await using var app = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()), settings);
        return await Assert.ThrowsAsync<OptionsValidationException>(() => app.Host.StartAsync());
    }

    [Theory]
    [InlineData("LogPipe:DefaultFormat", "xml", "'xml' is not one of the allowed values: json, msgpack")]
    [InlineData("LogPipe:DefaultFormat", "pickle", "'pickle' is not one of the allowed values")]
    [InlineData("LogPipe:DefaultFormat", "2", "'2' is not one of the allowed values: json, msgpack")]
    [InlineData("LogPipe:FieldNaming", "Shouting", "'Shouting' is not one of the allowed values: SnakeCaseLower, SnakeCaseUpper, CamelCase")]
    [InlineData("LogPipe:Failures:Policy", "Retry", "'Retry' is not one of the allowed values: DeadLetter, Stop")]
    [InlineData("LogPipe:UnitOfWork:MaxDuration", "1 second", "'1 second' is not a time span")]
    [InlineData("LogPipe:UnitOfWork:MaxDurationMs", "one", "'one' is not a number of milliseconds")]
    [InlineData("LogPipe:UnitOfWork:MaxRecords", "many", "'many' is not a whole number")]
    [InlineData("LogPipe:MinMessageLagMs", "-1", "")]
    [InlineData("LogPipe:MinMessageLag", "-00:00:01", "")]
    [InlineData("LogPipe:UnitOfWork:MaxDuration", "00:00:00", "")]
    [InlineData("LogPipe:Failures:SaveTimeout", "00:00:00", "")]
    [InlineData("LogPipe:Failures:MaxAttempts", "0", "")]
    [InlineData("LogPipe:UnitOfWork:MaxRecords", "0", "")]
    [InlineData("LogPipe:Failures:SaveTimeoutMs", "0", "")]
    [InlineData("LogPipe:Failures:MaxTransientRetries", "-1", "")]
    [InlineData("LogPipe:Health:PartitionStallTimeoutSeconds", "0", "")]
    [InlineData("LogPipe:Health:StallTimeoutSeconds", "0", "")]
    [InlineData("LogPipe:DeadLetters:MaxKeptInMemory", "-1", "")]
    public async Task A_bad_setting_fails_startup_with_a_message_naming_the_key(string key, string value, string says)
    {
        var error = await StartFailsAsync(new Dictionary<string, string?> { [key] = value });
        Assert.Contains(key + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(255)]
    public async Task A_consumer_group_longer_than_the_checkpoint_column_fails_startup_naming_the_key(int length)
    {
        var error = await StartFailsAsync(new Dictionary<string, string?> { ["LogPipe:ConsumerGroup"] = new string('g', length) });
        Assert.Contains("LogPipe:ConsumerGroup:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{length} characters long", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 200", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_group_as_long_as_the_checkpoint_column_commits_its_checkpoint()
    {
        await using var app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
            new Dictionary<string, string?> { ["LogPipe:ConsumerGroup"] = new string('g', 200) });
        app.Broker.Append("people", null, System.Text.Encoding.UTF8.GetBytes("""json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"}}"""));
        Assert.Equal(1, await app.Runner.DrainAsync());
        Assert.Equal(new string('g', 200), Assert.Single(await app.CheckpointsAsync()).ConsumerGroup);
        TestApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public void A_topic_name_longer_than_the_checkpoint_column_is_refused_naming_the_topic()
    {
        var topic = new string('t', 256);
        var error = Assert.Throws<ArgumentException>(() => TestApp.Create(lp => lp.AddConsumer(topic, c => c.Register<PersonSerializerV1>())));
        Assert.Contains("256 characters long", error.Message, StringComparison.Ordinal);
        Assert.Contains("column of 255", error.Message, StringComparison.Ordinal);
        Assert.Contains(topic, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_limits_checked_at_startup_are_the_checkpoint_tables_column_lengths()
    {
        await using var app = TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()));
        var model = await app.QueryAsync(db => Task.FromResult(db.Model));
        foreach (var entity in new[] { typeof(LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint), typeof(LogPipe.Hosting.EntityFrameworkCore.LogPipeDeadLetter) })
        {
            var type = model.FindEntityType(entity)!;
            Assert.Equal(LogPipe.Hosting.Checkpoints.CheckpointKeyLimits.ConsumerGroup, type.FindProperty("ConsumerGroup")!.GetMaxLength());
            Assert.Equal(LogPipe.Hosting.Checkpoints.CheckpointKeyLimits.Transport, type.FindProperty("Transport")!.GetMaxLength());
            Assert.Equal(LogPipe.Hosting.Checkpoints.CheckpointKeyLimits.Stream, type.FindProperty("Stream")!.GetMaxLength());
            Assert.Equal(LogPipe.Hosting.Checkpoints.CheckpointKeyLimits.Partition, type.FindProperty("Partition")!.GetMaxLength());
        }

        TestApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task An_unavailable_transport_fails_startup_and_says_which_are_available()
    {
        var error = await StartFailsAsync(new Dictionary<string, string?> { ["LogPipe:Transport"] = "Kafka" });
        Assert.Contains("LogPipe:Transport is 'Kafka'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Available: InMemory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_two_serializers_for_one_type_and_version_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TestApp.Create(lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV1>())));
        Assert.Contains("'person' version 1", error.Message, StringComparison.Ordinal);
    }
}
