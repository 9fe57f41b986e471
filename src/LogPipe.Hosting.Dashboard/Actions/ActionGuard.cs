using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Dashboard.Actions;

/// <summary>
/// What every state-changing POST of the dashboard passes before it runs: refused in read-only mode (403) and without a
/// valid antiforgery token (400). One place, so that no action can skip a rule.
/// </summary>
internal static class ActionGuard
{
    /// <summary>The refusal to answer with, or <see langword="null"/> when the action may run (its form is then read).</summary>
    public static async Task<IResult?> RefuseAsync(HttpContext context, string name)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILogger<IDashboardAction>>();
        if (services.GetRequiredService<IOptions<LogPipeDashboardOptions>>().Value.ReadOnly)
        {
            DashboardLog.ActionRefusedReadOnly(logger, name);
            return Results.Text("403 Forbidden: the LogPipe dashboard is read-only (LogPipe:Dashboard:ReadOnly).", "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        try
        {
            await services.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
            return null;
        }
        catch (AntiforgeryValidationException ex)
        {
            DashboardLog.ActionRefusedAntiforgery(logger, ex, name);
            return Results.Text(
                "400 Bad Request: the form's antiforgery token is missing or invalid. Reload the dashboard page and try again.",
                "text/plain; charset=utf-8",
                statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
