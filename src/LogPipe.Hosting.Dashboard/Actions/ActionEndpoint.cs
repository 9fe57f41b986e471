using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard.Actions;

/// <summary>
/// <c>POST {prefix}/actions/{name}</c>: refused in read-only mode (403) and without a valid antiforgery token (400);
/// otherwise runs the action and sends the browser back to the overview (302), which says it was done.
/// </summary>
internal static class ActionEndpoint
{
    public static async Task<IResult> RunAsync(HttpContext context, string name, string prefix)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILogger<IDashboardAction>>();
        if (await ActionGuard.RefuseAsync(context, name).ConfigureAwait(false) is { } refused) return refused;

        var action = services.GetServices<IDashboardAction>().FirstOrDefault(a => a.Name == name);
        if (action is null) return Results.Text($"404 Not Found: the dashboard has no action '{name}'.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

        var result = await action.RunAsync(context, context.RequestAborted).ConfigureAwait(false);
        DashboardLog.ActionRun(logger, action.Name, context.User.Identity?.Name ?? "an anonymous user", context.Connection.RemoteIpAddress?.ToString() ?? "an unknown address", result);
        // Post/redirect/get: a reload of the page that follows does not run the action again.
        return Results.Redirect($"{prefix}/?done={Uri.EscapeDataString(action.Name)}");
    }
}
