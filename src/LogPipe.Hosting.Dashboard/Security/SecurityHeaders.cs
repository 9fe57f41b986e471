using Microsoft.AspNetCore.Http;

namespace LogPipe.Hosting.Dashboard.Security;

/// <summary>
/// Headers on every dashboard response: scripts, styles and forms only from the dashboard itself (no inline script), not framed
/// by another site, not cached (the pages show live state and carry tokens).
/// </summary>
internal static class SecurityHeaders
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var headers = invocation.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (!headers.ContainsKey("Cache-Control"))
        {
            // What antiforgery sets on a page with a form: the same, so it does not warn that it overrode ours.
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
        }
        return await next(invocation).ConfigureAwait(false);
    }
}
