using System.Reflection;
using LogPipe.Hosting.Dashboard.Actions;
using LogPipe.Hosting.Dashboard.Pages;
using LogPipe.Hosting.Dashboard.Reading;
using LogPipe.Hosting.Dashboard.Rendering;
using LogPipe.Hosting.Dashboard.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogPipe.Hosting.Dashboard;

/// <summary>The dashboard's routes under its prefix: the pages, the stylesheet and the actions.</summary>
internal static class DashboardEndpoints
{
    private const string StylesheetResource = "LogPipe.Hosting.Dashboard.dashboard.css";
    private const string RefreshScriptResource = "LogPipe.Hosting.Dashboard.refresh.js";

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix);
        group.WithMetadata(new DashboardEndpointMarker(prefix));
        group.ExcludeFromDescription();

        // Headers first, so a refused request carries them too; then the local-requests-only rule.
        group.AddEndpointFilter(SecurityHeaders.FilterAsync);
        group.AddEndpointFilter(LocalRequestsOnly.FilterAsync);

        group.MapGet("/", async (HttpContext context, DashboardReader reader) =>
            await PageRenderer.RenderAsync<OverviewPage>(context, prefix, "", await reader.OverviewAsync(context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        group.MapGet("/partitions", async (HttpContext context, DashboardReader reader) =>
            await PageRenderer.RenderAsync<PartitionsPage>(context, prefix, "partitions", await reader.PartitionsAsync(context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        DeadLetterEndpoints.Map(group, prefix);
        DeadLetterActionEndpoints.Map(group, prefix);
        group.MapGet("/offsets", async (HttpContext context, OperationsReader reader) => reader.Unavailable(outbox: false) ??
            await PageRenderer.RenderAsync<OffsetsPage>(context, prefix, "offsets", await reader.OffsetsAsync(context.RequestAborted).ConfigureAwait(false) with { Moved = context.Request.Query["moved"] is [{ } moved] ? moved : null }, forms: true).ConfigureAwait(false));
        group.MapGet("/outbox", async (HttpContext context, OperationsReader reader) => reader.Unavailable(outbox: true) ??
            await PageRenderer.RenderAsync<OutboxPage>(context, prefix, "outbox", await reader.OutboxAsync(context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        // A Func, not a lambda: a lambda of the HttpContext alone binds as a RequestDelegate, which drops the IResult.
        Func<HttpContext, Task<IResult>> moveOffset = context => OffsetMoveEndpoint.RunAsync(context, prefix);
        group.MapPost("/offsets/move", moveOffset).DisableAntiforgery();
        group.MapGet("/dashboard.css", (HttpContext context) => Asset(context, StylesheetResource, "text/css; charset=utf-8"));
        group.MapGet("/refresh.js", (HttpContext context) => Asset(context, RefreshScriptResource, "text/javascript; charset=utf-8"));
        group.MapPost("/actions/{name}", (HttpContext context, string name) => ActionEndpoint.RunAsync(context, name, prefix)).DisableAntiforgery();
        return group;
    }

    /// <summary>A file embedded in the assembly (nothing is served from disk or a CDN), cached for an hour.</summary>
    private static IResult Asset(HttpContext context, string resource, string contentType)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard's asset {resource} is missing from {typeof(DashboardEndpoints).Assembly.GetName().Name}.");
        return Results.Stream(stream, contentType);
    }
}
