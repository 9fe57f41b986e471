using LogPipe.Hosting.Dashboard.Actions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Dashboard.Rendering;

/// <summary>
/// Renders a page component to static HTML with <see cref="HtmlRenderer"/>: no Blazor circuit, no JavaScript framework, nothing
/// the host application has to register besides <c>AddLogPipeDashboard</c>.
/// </summary>
internal static class PageRenderer
{
    // forms: whether the page has forms of its own (beside the registered actions') that need the antiforgery token.
    public static async Task<IResult> RenderAsync<TPage>(HttpContext context, string prefix, string current, object model, bool forms = false)
        where TPage : IComponent
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<LogPipeDashboardOptions>>().Value;
        var actions = services.GetServices<IDashboardAction>().ToList();
        var page = services.GetRequiredService<DashboardPage>();
        page.Prefix = prefix;
        page.Current = current;
        page.Options = options;
        page.Model = model;
        // A page rendered for a POST (a refused move) reloads as its GET page, without the form's answer.
        page.ReloadUrl = HttpMethods.IsGet(context.Request.Method) ? $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}" : $"{context.Request.PathBase}{page.Link(current)}";
        page.Actions = actions;
        page.Done = context.Request.Query["done"] is [{ } done] ? actions.FirstOrDefault(a => a.Name == done) : null;
        if (!options.ReadOnly && (actions.Count > 0 || forms)) page.Antiforgery = services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);

        var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        await using var _ = renderer.ConfigureAwait(false);
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TPage>().ConfigureAwait(false)).ToHtmlString()).ConfigureAwait(false);
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
