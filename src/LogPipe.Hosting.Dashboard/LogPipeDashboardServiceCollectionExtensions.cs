using LogPipe.Hosting;
using LogPipe.Hosting.Dashboard.Reading;
using LogPipe.Hosting.Dashboard.Rendering;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the LogPipe operator dashboard's services.</summary>
public static class LogPipeDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>MapLogPipeDashboard</c> needs: its options (bound from <c>LogPipe:Dashboard</c>, then
    /// <paramref name="configure"/>) and antiforgery. Call <c>AddLogPipe</c> too: the dashboard shows its consumers.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after they are bound from configuration.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddLogPipeDashboard(this IServiceCollection services, Action<LogPipeDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LogPipeDashboardOptions>().BindConfiguration(LogPipeDashboardOptions.SectionName);
        if (configure is not null) options.Configure(configure);
        options.Validate(o => o.RefreshInterval >= TimeSpan.Zero, "LogPipe:Dashboard:RefreshInterval must not be negative (0 turns reloading off).");
        options.ValidateOnStart();
        services.AddAntiforgery();
        services.AddSingleton<DashboardReader>();
        services.AddSingleton<DashboardFeatures>();
        services.AddSingleton<OperationsReader>();
        services.AddScoped<DashboardPage>();
        return services;
    }
}
