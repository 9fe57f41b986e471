using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard.Security;

/// <summary>
/// The dashboard's default: while no authorization policy is set on it, only requests from a loopback address are
/// answered and others get 403 (as Hangfire's dashboard does). Behind a reverse proxy on the same machine every request
/// comes from loopback: such a service needs <c>UseForwardedHeaders</c> (so the client's address is seen) or a policy.
/// </summary>
internal static class LocalRequestsOnly
{
    /// <summary>Whether an authorization policy applies to the endpoint (set with <c>RequireAuthorization</c>).</summary>
    public static bool HasPolicy(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<IAuthorizeData>() is not null || metadata.GetMetadata<AuthorizationPolicy>() is not null;

    public static bool IsLocal(HttpContext context) => context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (context.GetEndpoint() is { } endpoint && HasPolicy(endpoint.Metadata)) return await next(invocation).ConfigureAwait(false);
        if (IsLocal(context)) return await next(invocation).ConfigureAwait(false);

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalRequestsOnly).FullName!);
        DashboardLog.RemoteRequestRefused(logger, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "an unknown address");
        return Results.Text(
            "403 Forbidden: the LogPipe dashboard answers only local requests until an authorization policy is set on it (MapLogPipeDashboard(...).RequireAuthorization(...)).",
            "text/plain; charset=utf-8",
            statusCode: StatusCodes.Status403Forbidden);
    }
}
