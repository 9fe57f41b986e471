using LogPipe.Hosting.Operations;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="LogPipeOperations"/> in a service, on the service's own DbContext and configuration.</summary>
public static class LogPipeOperationsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LogPipeOperations"/> (a singleton) over <typeparamref name="TDbContext"/> — the DbContext whose
    /// model applies <c>ApplyLogPipeConfiguration</c> — and the service's <c>LogPipe</c> configuration, for pages and
    /// endpoints that act as the <c>logpipe</c> CLI does, with the same rules.
    /// </summary>
    /// <typeparam name="TDbContext">The service's DbContext holding LogPipe's tables.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLogPipeOperations<TDbContext>(this IServiceCollection services)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(LogPipeOperations.ForService<TDbContext>);
        return services;
    }
}
