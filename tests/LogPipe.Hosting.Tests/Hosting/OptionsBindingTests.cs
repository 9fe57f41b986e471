using LogPipe.Hosting.Formats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Hosting;

/// <summary>
/// <c>LogPipe</c> options are enums and time spans in code, and configuration files written for the former strings and
/// integer milliseconds keep binding unchanged.
/// </summary>
public sealed class OptionsBindingTests
{
    [Fact]
    public void Durations_bind_from_their_former_millisecond_and_second_keys()
    {
        var options = Bind(new()
        {
            ["LogPipe:MinMessageLagMs"] = "5000",
            ["LogPipe:UnitOfWork:MaxDurationMs"] = "250",
            ["LogPipe:UnitOfWork:IdlePollMs"] = "10",
            ["LogPipe:Failures:InitialBackoffMs"] = "20",
            ["LogPipe:Failures:MaxBackoffMs"] = "500",
            ["LogPipe:Failures:SaveTimeoutMs"] = "3600000",
            ["LogPipe:Health:StallTimeoutSeconds"] = "90",
            ["LogPipe:Health:PartitionStallTimeoutSeconds"] = "600",
        });

        Assert.Equal(TimeSpan.FromSeconds(5), options.MinMessageLag);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.UnitOfWork.MaxDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.UnitOfWork.IdlePoll);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Failures.InitialBackoff);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Failures.MaxBackoff);
        Assert.Equal(TimeSpan.FromHours(1), options.Failures.SaveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Health.StallTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Health.PartitionStallTimeout);
    }

    [Theory]
    [InlineData("00:00:01", 1000)]
    [InlineData("00:00:00.250", 250)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("00:02", 120_000)]
    public void Durations_bind_from_time_spans(string value, int milliseconds)
    {
        var options = Bind(new() { ["LogPipe:UnitOfWork:MaxDuration"] = value });

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.UnitOfWork.MaxDuration);
    }

    [Fact]
    public void The_same_duration_under_its_new_and_former_key_is_accepted()
    {
        var options = Bind(new() { ["LogPipe:UnitOfWork:MaxDuration"] = "00:00:01", ["LogPipe:UnitOfWork:MaxDurationMs"] = "1000" });

        Assert.Equal(TimeSpan.FromSeconds(1), options.UnitOfWork.MaxDuration);
    }

    [Fact]
    public void Different_durations_under_the_new_and_the_former_key_fail_startup_naming_both_keys()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["LogPipe:UnitOfWork:MaxDuration"] = "00:00:02",
            ["LogPipe:UnitOfWork:MaxDurationMs"] = "1000",
        }));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("LogPipe:UnitOfWork:MaxDuration ('00:00:02')", failure, StringComparison.Ordinal);
        Assert.Contains("LogPipe:UnitOfWork:MaxDurationMs (1000", failure, StringComparison.Ordinal);
        Assert.Contains("disagree", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json", MessageFormat.Json, "json")]
    [InlineData("msgpack", MessageFormat.MsgPack, "msgpack")]
    [InlineData("MsgPack", MessageFormat.MsgPack, "msgpack")]
    [InlineData("JSON", MessageFormat.Json, "json")]
    public void The_format_binds_from_the_codes_configuration_files_use(string value, MessageFormat format, string code)
    {
        using var services = Services(new() { ["LogPipe:DefaultFormat"] = value });

        Assert.Equal(format, services.GetRequiredService<IOptions<LogPipeOptions>>().Value.DefaultFormat);
        Assert.Equal(code, services.GetRequiredService<WireCodec>().DefaultFormat);
    }

    [Theory]
    [InlineData("SnakeCaseLower", FieldNaming.SnakeCaseLower, "first_name")]
    [InlineData("camelcase", FieldNaming.CamelCase, "firstName")]
    [InlineData("KebabCaseUpper", FieldNaming.KebabCaseUpper, "FIRST-NAME")]
    [InlineData("AsIs", FieldNaming.AsIs, "FirstName")]
    public void Field_naming_binds_from_its_names_and_names_fields_on_the_wire(string value, FieldNaming naming, string fieldName)
    {
        using var services = Services(new() { ["LogPipe:FieldNaming"] = value });

        Assert.Equal(naming, services.GetRequiredService<IOptions<LogPipeOptions>>().Value.FieldNaming);
        Assert.Equal(fieldName, services.GetRequiredService<WireCodec>().PayloadOptions.PropertyNamingPolicy!.ConvertName("FirstName"));
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once_with_its_key_and_what_it_may_be()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["LogPipe:DefaultFormat"] = "xml",
            ["LogPipe:Failures:SaveTimeout"] = "soon",
        }));

        Assert.Contains(error.Failures, f => f == "LogPipe:DefaultFormat: 'xml' is not one of the allowed values: json, msgpack.");
        Assert.Contains(error.Failures, f => f.StartsWith("LogPipe:Failures:SaveTimeout: 'soon' is not a time span; use [d.]hh:mm:ss", StringComparison.Ordinal));
    }

    [Fact]
    public void A_duration_out_of_range_under_its_former_key_is_reported_under_that_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["LogPipe:Failures:SaveTimeoutMs"] = "0" }));

        Assert.Contains(error.Failures, f => f.StartsWith("LogPipe:Failures:SaveTimeoutMs:", StringComparison.Ordinal));
    }

    [Fact]
    public void Code_sets_durations_and_enums_after_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxDurationMs"] = "1000" }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddLogPipe(configuration.GetSection("LogPipe"), lp => lp.UseInMemoryTransport().UseInMemoryOffsets());
        services.Configure<LogPipeOptions>(o =>
        {
            o.UnitOfWork.MaxDuration = TimeSpan.FromMilliseconds(300);
            o.DefaultFormat = MessageFormat.MsgPack;
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<LogPipeOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(300), options.UnitOfWork.MaxDuration);
        Assert.Equal(MessageFormat.MsgPack, options.DefaultFormat);
    }

    [Fact]
    public void An_unknown_transport_name_fails_startup_listing_the_added_transports()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["LogPipe:Transport"] = "Rabbit" }));

        var failure = Assert.Single(error.Failures, f => f.Contains("Rabbit", StringComparison.Ordinal));
        Assert.Contains("InMemory", failure, StringComparison.Ordinal);
    }

    private static LogPipeOptions Bind(Dictionary<string, string?> settings)
    {
        using var services = Services(settings);
        return services.GetRequiredService<IOptions<LogPipeOptions>>().Value;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddLogPipe(configuration.GetSection("LogPipe"), lp => lp.UseInMemoryTransport().UseInMemoryOffsets());
        return services.BuildServiceProvider();
    }
}
