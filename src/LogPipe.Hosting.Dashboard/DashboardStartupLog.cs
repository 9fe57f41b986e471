using LogPipe.Hosting.Dashboard.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard;

/// <summary>
/// Says once the application started who the dashboard answers: only then are the endpoints built, with the conventions
/// (<c>RequireAuthorization</c>) applied after <c>MapLogPipeDashboard</c> returned.
/// </summary>
internal static class DashboardStartupLog
{
    public static void Write(EndpointDataSource endpoints, string prefix, LogPipeDashboardOptions options, ILogger logger)
    {
        var endpoint = endpoints.Endpoints.FirstOrDefault(e => e.Metadata.GetMetadata<DashboardEndpointMarker>()?.Prefix == prefix);
        if (endpoint is null) return;
        if (LocalRequestsOnly.HasPolicy(endpoint.Metadata))
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? a.Roles ?? "the default policy")
                .Concat(endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Select(_ => "a policy object"));
            DashboardLog.AuthorizationRequired(logger, prefix, string.Join(", ", policies.Distinct()));
        }
        else
        {
            DashboardLog.LocalRequestsOnly(logger, prefix);
        }

        if (options.ReadOnly) DashboardLog.ReadOnly(logger, prefix);
    }
}
