using LogPipe.Hosting;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Dashboard;
using LogPipe.Hosting.Dashboard.Rendering;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the LogPipe operator dashboard.</summary>
public static class LogPipeDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard's pages under <paramref name="prefix"/>. Without an authorization policy it answers only local
    /// (loopback) requests and refuses others with 403; set one on the returned builder
    /// (<c>.RequireAuthorization("ops")</c>) to open it to the users the policy admits. The startup log says which applies.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The path the dashboard is served under, for example <c>/logpipe</c>.</param>
    /// <returns>A builder for conventions on every dashboard endpoint (authorization, host, rate limits).</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> does not start with <c>/</c>, or is <c>/</c> alone.</exception>
    /// <exception cref="InvalidOperationException"><c>AddLogPipeDashboard</c> or <c>AddLogPipe</c> was not called.</exception>
    public static IEndpointConventionBuilder MapLogPipeDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/logpipe")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        prefix = prefix.TrimEnd('/');
        if (!prefix.StartsWith('/') || prefix.Length < 2)
        {
            throw new ArgumentException($"The dashboard's prefix must be a path below the root such as \"/logpipe\", not \"{prefix}\".", nameof(prefix));
        }

        var services = endpoints.ServiceProvider;
        var registered = services.GetRequiredService<IServiceProviderIsService>();
        if (!registered.IsService(typeof(DashboardPage)))
        {
            throw new InvalidOperationException("MapLogPipeDashboard needs the dashboard's services: call builder.Services.AddLogPipeDashboard() first.");
        }

        if (!registered.IsService(typeof(LogPipeConsumerRunner)))
        {
            throw new InvalidOperationException("MapLogPipeDashboard shows LogPipe's consumers: call builder.Services.AddLogPipe(...) first.");
        }

        var group = DashboardEndpoints.Map(endpoints, prefix);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipe.Hosting.Dashboard");
        var options = services.GetRequiredService<IOptions<LogPipeDashboardOptions>>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(
            () => DashboardStartupLog.Write(services.GetRequiredService<EndpointDataSource>(), prefix, options.Value, logger));
        return group;
    }
}
