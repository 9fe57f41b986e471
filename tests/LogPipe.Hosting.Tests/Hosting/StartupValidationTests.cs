using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    [InlineData("LogPipe:DefaultFormat", "xml", "'xml' is not a format; use json or msgpack")]
    [InlineData("LogPipe:DefaultFormat", "pickle", "'pickle' is not a format")]
    [InlineData("LogPipe:FieldNaming", "Shouting", "'Shouting' is not a field naming")]
    [InlineData("LogPipe:MinMessageLagMs", "-1", "")]
    [InlineData("LogPipe:Failures:MaxAttempts", "0", "")]
    [InlineData("LogPipe:UnitOfWork:MaxRecords", "0", "")]
    public async Task A_bad_setting_fails_startup_with_a_message_naming_the_key(string key, string value, string says)
    {
        var error = await StartFailsAsync(new Dictionary<string, string?> { [key] = value });
        Assert.Contains(key + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
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

    [Fact]
    public async Task A_dbcontext_without_logpipe_tables_is_named_in_the_error()
    {
        var db = TestApp.NewDatabasePath();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddDbContext<PlainDb>(o => o.UseSqlite($"Data Source={db}"));
        builder.Services.AddLogPipe(lp => lp.UseEntityFrameworkOffsets<PlainDb>().AddConsumer("places", c => c.Register<PlaceSerializer>()));
        using var host = builder.Build();
        var runner = host.Services.GetRequiredService<LogPipe.Hosting.Consumers.LogPipeConsumerRunner>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.DrainAsync());
        Assert.Contains("ApplyLogPipeConfiguration", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PlainDb), error.Message, StringComparison.Ordinal);
    }

    private sealed class PlainDb(DbContextOptions<PlainDb> options) : DbContext(options);
}
