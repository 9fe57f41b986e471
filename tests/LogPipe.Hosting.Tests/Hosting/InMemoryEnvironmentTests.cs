using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Hosting;

/// <summary>A forgotten UseKafka()/UseKinesis() or checkpoint store is a startup error outside Development, a warning in it.</summary>
public sealed class InMemoryEnvironmentTests
{
    private static IHost Host(string environment, Action<LogPipeBuilder> logPipe, LogCapture? logs = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        builder.Logging.ClearProviders().AddProvider(logs ?? new LogCapture());
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddLogPipe(logPipe);
        return builder.Build();
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_starting_without_a_transport_fails_naming_UseKafka_and_UseKinesis(string environment)
    {
        using var host = Host(environment, lp => lp.AddProducer<Place, PlaceSerializer>("places"));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains($"in-memory transport in the '{environment}' environment", error.Message, StringComparison.Ordinal);
        Assert.Contains("Call UseKafka() or UseKinesis() in AddLogPipe", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseInMemoryTransport()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_consumers_with_checkpoints_in_memory_fail_naming_UseEntityFrameworkOffsets_and_UseKafkaOffsets()
    {
        using var host = Host("Production", lp => lp.UseInMemoryTransport().AddConsumer("places", c => c.Register<PlaceSerializer>()));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Call UseEntityFrameworkOffsets<TDbContext>() or UseKafkaOffsets() in AddLogPipe", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UseKafka() or UseKinesis()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_producer_only_service_needs_no_checkpoint_store()
    {
        using var host = Host("Production", lp => lp.UseInMemoryTransport().AddProducer<Place, PlaceSerializer>("places"));
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task The_explicit_opt_ins_start_outside_development_without_a_warning()
    {
        var logs = new LogCapture();
        using var host = Host("Production", lp => lp.UseInMemoryTransport().UseInMemoryOffsets().AddConsumer("places", c => c.Register<PlaceSerializer>()), logs);
        await host.StartAsync();
        await host.StopAsync();
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id is LogEvents.InMemoryTransport or LogEvents.InMemoryCheckpoints);
    }

    [Fact]
    public async Task In_development_the_in_memory_transport_and_checkpoints_start_with_a_warning_each()
    {
        var logs = new LogCapture();
        using var host = Host(Environments.Development, lp => lp.AddConsumer("places", c => c.Register<PlaceSerializer>()), logs);
        await host.StartAsync();
        await host.StopAsync();
        var warnings = logs.Entries.Where(e => e.EventId.Id is LogEvents.InMemoryTransport or LogEvents.InMemoryCheckpoints).ToList();
        Assert.Equal([LogEvents.InMemoryTransport, LogEvents.InMemoryCheckpoints], warnings.Select(w => w.EventId.Id).Order());
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Contains("UseKafka() or UseKinesis()", warnings.Single(w => w.EventId.Id == LogEvents.InMemoryTransport).Message, StringComparison.Ordinal);
        Assert.Contains("UseEntityFrameworkOffsets<TDbContext>() or UseKafkaOffsets()", warnings.Single(w => w.EventId.Id == LogEvents.InMemoryCheckpoints).Message, StringComparison.Ordinal);
    }
}
