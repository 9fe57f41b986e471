using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Sends records through a transactional outbox kept in the application's own DbContext.</summary>
public static class LogPipeEntityFrameworkOutboxExtensions
{
    /// <summary>
    /// Makes <c>IOutboxProducer&lt;TModel&gt;</c> (for every <c>AddProducer</c> model) write its records into
    /// <typeparamref name="TDbContext"/>'s table <c>LogPipeOutbox</c>, in the same transaction as the application's changes
    /// (<c>SaveChangesAsync</c>, or an explicit transaction's <c>CommitAsync</c>), and runs the relay that publishes committed
    /// entries in commit order (settings in <c>LogPipe:Outbox</c>, see <see cref="OutboxOptions"/>).
    /// </summary>
    /// <typeparam name="TDbContext">
    /// The application's DbContext, registered with <c>AddDbContext</c> (or <c>AddDbContextFactory</c>) and calling
    /// <c>modelBuilder.ApplyLogPipeConfiguration()</c> in <c>OnModelCreating</c>.
    /// </typeparam>
    /// <param name="builder">The LogPipe builder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Adds the outbox's interceptors to the context's options. A context created without dependency injection needs them
    /// too: see docs/outbox.md. Also adds the health check <c>logpipe-outbox</c> and <see cref="OutboxInspector{TDbContext}"/>.
    /// </remarks>
    public static LogPipeBuilder UseEntityFrameworkOutbox<TDbContext>(this LogPipeBuilder builder)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(OutboxRelay<TDbContext>)))
        {
            throw new InvalidOperationException($"UseEntityFrameworkOutbox<{typeof(TDbContext).Name}>() was called twice.");
        }

        var options = services.AddOptions<OutboxOptions>();
        var path = $"{LogPipeOptions.SectionName}:{OutboxOptions.SectionName}:";
        IConfiguration? section = null;
        if (builder.Configuration is { } configuration)
        {
            section = configuration.GetSection(OutboxOptions.SectionName);
            var sectionPath = ((IConfigurationSection)section).Path;
            path = sectionPath + ":";
            options.Configure(o => SectionBinder.Bind(section, o, sectionPath));
        }

        options
            .Validate(o => o.PollInterval > TimeSpan.Zero, $"{path}{SectionBinder.KeyFor(section, nameof(OutboxOptions.PollInterval))} must be a positive time span, for example 00:00:01.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), $"{path}{SectionBinder.KeyFor(section, nameof(OutboxOptions.LeaseDuration))} must be at least one second (00:00:01).")
            .Validate(o => o.BatchSize is > 0 and <= 10_000, $"{path}{nameof(OutboxOptions.BatchSize)} must be between 1 and 10000.")
            .Validate(o => o.InitialBackoff > TimeSpan.Zero && o.MaxBackoff >= o.InitialBackoff, $"{path}{SectionBinder.KeyFor(section, nameof(OutboxOptions.InitialBackoff))} must be positive and at most {nameof(OutboxOptions.MaxBackoff)}.")
            .Validate(o => o.MaxAge > TimeSpan.Zero, $"{path}{SectionBinder.KeyFor(section, nameof(OutboxOptions.MaxAge))} must be a positive time span, for example 00:01:00.")
            .ValidateOnStart();

        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxMetrics>();
        services.TryAddSingleton(sp => new OutboxTransactionInterceptor(sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new OutboxSaveChangesInterceptor(
            sp.GetRequiredService<OutboxSignal>(),
            sp.GetRequiredService<IOptions<OutboxOptions>>().Value.SqliteWriteGate,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<OutboxSaveChangesInterceptor>()));
        services.TryAddSingleton(sp => new OutboxSaveCommandInterceptor(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<OutboxOptions>>().Value.SqliteWriteGate,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<OutboxSaveCommandInterceptor>()));
        services.TryAddSingleton<OutboxSqliteBusyTimeout>();
        // Singleton: the interceptors are, and a pooled context (AddDbContextPool, AddPooledDbContextFactory) builds its
        // options once from the root provider, which refuses a scoped configuration.
        services.ConfigureDbContext<TDbContext>(
            (sp, o) => o.AddInterceptors(
                sp.GetRequiredService<OutboxSaveChangesInterceptor>(),
                sp.GetRequiredService<OutboxSaveCommandInterceptor>(),
                sp.GetRequiredService<OutboxTransactionInterceptor>(),
                sp.GetRequiredService<OutboxSqliteBusyTimeout>()),
            ServiceLifetime.Singleton);
        services.TryAddScoped<IOutboxWriter, EntityFrameworkOutboxWriter<TDbContext>>();
        services.TryAddSingleton<OutboxInspector<TDbContext>>();
        services.AddSingleton<OutboxRelay<TDbContext>>();
        services.AddSingleton<IPendingOutboxRelay>(sp => sp.GetRequiredService<OutboxRelay<TDbContext>>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<OutboxOptions>>().Value.DisableRelay
            ? new DisabledRelay()
            : sp.GetRequiredService<OutboxRelay<TDbContext>>());
        services.AddHealthChecks().AddCheck<OutboxHealthCheck<TDbContext>>("logpipe-outbox", tags: ["logpipe", "ready"]);
        return builder;
    }

    private sealed class DisabledRelay : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
