using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using FluentValidation;
using LogPipe.Hosting;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds LogPipe to an application's services.</summary>
public static class LogPipeServiceCollectionExtensions
{
    /// <summary>
    /// Adds LogPipe: binds <see cref="LogPipeOptions"/> from <paramref name="configuration"/> (validated at startup), runs
    /// <paramref name="configure"/> to add the transport, checkpoint store, producers and consumers, and registers the hosted
    /// consumer service that applies all consumers round-robin.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The <c>LogPipe</c> configuration section.</param>
    /// <param name="configure">Adds transport, store, producers, consumers.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLogPipe(this IServiceCollection services, IConfiguration configuration, Action<LogPipeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddLogPipeCore(services, configuration, configure, null);
    }

    /// <summary>Adds LogPipe configured in code only (no configuration section).</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adds transport, store, producers, consumers.</param>
    /// <param name="configureOptions">Sets options in code.</param>
    /// <returns>The services.</returns>
    [SuppressMessage("ApiDesign", "RS0027", Justification = "Both overloads take three parameters; the optional options callback is the only optional one and has been there since 0.1.0.")]
    public static IServiceCollection AddLogPipe(this IServiceCollection services, Action<LogPipeBuilder> configure, Action<LogPipeOptions>? configureOptions = null) =>
        AddLogPipeCore(services, null, configure, configureOptions);

    private static IServiceCollection AddLogPipeCore(IServiceCollection services, IConfiguration? configuration, Action<LogPipeBuilder> configure, Action<LogPipeOptions>? configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(LogPipeConfiguration)))
        {
            throw new InvalidOperationException("AddLogPipe was called twice; configure all producers and consumers in one call.");
        }

        var sectionPath = configuration is IConfigurationSection section ? section.Path : LogPipeOptions.SectionName;
        var options = services.AddOptions<LogPipeOptions>();
        if (configuration is not null)
        {
            // Checked before binding, so a bad value is reported under its key with the values it may take; durations
            // are also read from their former millisecond and second keys.
            options.Configure(o => SectionBinder.Bind(configuration, o, sectionPath));
            services.AddSingleton<IOptionsChangeTokenSource<LogPipeOptions>>(new ConfigurationChangeTokenSource<LogPipeOptions>(configuration));
        }

        if (configureOptions is not null) options.Configure(configureOptions);
        options.ValidateOnStart();
        services.AddSingleton<IValidator<LogPipeOptions>, LogPipeOptionsValidator>();
        services.AddSingleton<IValidateOptions<LogPipeOptions>>(sp => new FluentOptionsValidator<LogPipeOptions>(sp.GetRequiredService<IValidator<LogPipeOptions>>(), sectionPath, section: configuration));

        services.AddSingleton<IValidateOptions<LogPipeOptions>>(sp => new TransportChoiceValidator(sp.GetServices<TransportRegistration>().ToList()));
        var outbox = services.AddOptions<OutboxDeduplicationOptions>();
        if (configuration is not null)
        {
            var outboxSection = configuration.GetSection(OutboxDeduplicationOptions.SectionName);
            outbox.Configure(o => SectionBinder.Bind(outboxSection, o, $"{sectionPath}:{OutboxDeduplicationOptions.SectionName}"));
        }

        outbox.Validate(o => o.DeduplicationWindow > TimeSpan.Zero, $"{sectionPath}:{OutboxDeduplicationOptions.SectionName}:{nameof(OutboxDeduplicationOptions.DeduplicationWindow)} must be a positive time span, for example 7.00:00:00.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryBroker>();
        services.AddSingleton(new TransportRegistration(InMemoryTransport.TransportName, sp => new InMemoryTransport(sp.GetRequiredService<InMemoryBroker>()), IsInMemory: true));
        services.TryAddSingleton<ICheckpointStore, InMemoryCheckpointStore>();
        services.TryAddSingleton<RecentDeadLetters>();
        services.TryAddSingleton<WireCodec>();
        services.TryAddSingleton<TransportSelector>();

        var builder = new LogPipeBuilder(services, configuration);
        configure(builder);

        // `logpipe contracts export` runs the service with this variable set: the contracts are written once the host is built.
        ContractsExportHook.InstallIfRequested();
        var built = builder.Build();
        services.AddSingleton(built);
        services.AddSingleton<IValidateOptions<LogPipeOptions>>(sp => new InMemoryEnvironmentValidator(
            services,
            built,
            sp.GetServices<TransportRegistration>().ToList(),
            sp.GetServices<InMemoryOptIn>().ToList(),
            sp.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipe.Hosting.Setup")));

        services.TryAddSingleton(sp => new LogPipeRecordApplier(built, sp.GetRequiredService<WireCodec>()));
        services.TryAddSingleton(sp => new LogPipeConsumerRunner(
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<ICheckpointStore>(),
            built,
            sp.GetRequiredService<LogPipeRecordApplier>(),
            sp.GetRequiredService<TransportSelector>(),
            sp.GetRequiredService<IOptions<LogPipeOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<LogPipeTelemetry>(),
            sp.GetRequiredService<ILogger<LogPipeConsumerRunner>>(),
            sp.GetService<IConsumedRecordObserver>()));
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LogPipeOptions>>().Value;
            return new LogPipeTelemetry(sp.GetService<IMeterFactory>(), !o.DisableMetrics, !o.DisableTracing);
        });

        // Like Aspire's client integrations, the switch is read from configuration at registration.
        var healthChecksDisabled = configuration?.GetValue<bool>(nameof(LogPipeOptions.DisableHealthChecks)) ?? false;
        if (!healthChecksDisabled)
        {
            services.AddHealthChecks().AddCheck<LogPipeHealthCheck>("logpipe", tags: ["logpipe", "ready"]);
        }
        if (built.Consumers.Count > 0)
        {
            services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<IOptions<LogPipeOptions>>().Value.EnableConsumers
                ? new LogPipeConsumerService(sp.GetRequiredService<LogPipeConsumerRunner>())
                : NoopHostedService.Instance);
        }

        return services;
    }

    private sealed class NoopHostedService : Microsoft.Extensions.Hosting.IHostedService
    {
        public static readonly NoopHostedService Instance = new();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class TransportChoiceValidator(IReadOnlyList<TransportRegistration> registrations) : IValidateOptions<LogPipeOptions>
    {
        public ValidateOptionsResult Validate(string? name, LogPipeOptions options)
        {
            try
            {
                TransportSelector.Choose(registrations, options.Transport);
                return ValidateOptionsResult.Success;
            }
            catch (OptionsValidationException ex)
            {
                return ValidateOptionsResult.Fail(ex.Failures);
            }
        }
    }
}
