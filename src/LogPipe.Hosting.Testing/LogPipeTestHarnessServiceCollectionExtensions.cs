using LogPipe.Hosting;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds the LogPipe test harness to a service under test.</summary>
public static class LogPipeTestHarnessServiceCollectionExtensions
{
    /// <summary>
    /// Runs the service's LogPipe on the in-memory transport whatever <c>LogPipe:Transport</c> says (Kafka or Kinesis in
    /// appsettings), keeping everything else as the service configured it: serializers, producers, the outbox, and the
    /// checkpoint store on the test's database. The hosted consumer service does not run: the test applies records when it
    /// chooses, with <see cref="LogPipeTestHarness.DrainAsync"/>. Resolve <see cref="LogPipeTestHarness"/> from the
    /// service provider. Call it before or after <c>AddLogPipe</c>, so also inside
    /// <c>WebApplicationFactory&lt;TProgram&gt;.WithWebHostBuilder(b =&gt; b.ConfigureServices(s =&gt; s.AddLogPipeTestHarness()))</c>.
    /// </summary>
    /// <param name="services">The service's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLogPipeTestHarness(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(LogPipeTestHarness))) return services;

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryBroker>();
        services.TryAddSingleton<WireCodec>();
        services.AddSingleton(sp => new ConsumedRecordLog(sp.GetRequiredService<WireCodec>()));
        services.AddSingleton<IConsumedRecordObserver>(sp => sp.GetRequiredService<ConsumedRecordLog>());
        services.AddSingleton(sp => new LogPipeTestHarness(sp, sp.GetRequiredService<InMemoryBroker>(), sp.GetRequiredService<WireCodec>(), sp.GetRequiredService<ConsumedRecordLog>()));

        // Chosen on purpose, so the in-memory transport is allowed in any environment (tests often run as Production).
        services.AddSingleton(new InMemoryOptIn(Transport: true, Checkpoints: false));
        // After configuration binding and the service's own option callbacks: the test's choice wins. The consumer loop is
        // the harness's to run (one caller at a time), so the hosted service stays idle.
        services.PostConfigure<LogPipeOptions>(o =>
        {
            o.Transport = InMemoryTransport.TransportName;
            o.EnableConsumers = false;
        });
        return services;
    }
}
