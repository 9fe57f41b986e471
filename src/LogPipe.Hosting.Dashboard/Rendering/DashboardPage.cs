using LogPipe.Hosting.Dashboard.Actions;
using Microsoft.AspNetCore.Antiforgery;

namespace LogPipe.Hosting.Dashboard.Rendering;

/// <summary>
/// What the page being rendered needs besides its data: where the dashboard is mapped, its options, the antiforgery
/// token of its forms and the actions it offers. Scoped to the request; the page components inject it (their parameters
/// would have to be public types).
/// </summary>
internal sealed class DashboardPage
{
    /// <summary>The path the dashboard is mapped under, without a trailing slash.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>The page's own path below the prefix, for the navigation's current item.</summary>
    public string Current { get; set; } = "";

    public LogPipeDashboardOptions Options { get; set; } = new();

    /// <summary>The token every form carries; <see langword="null"/> in read-only mode, where there are no forms.</summary>
    public AntiforgeryTokenSet? Antiforgery { get; set; }

    public IReadOnlyList<IDashboardAction> Actions { get; set; } = [];

    /// <summary>The action just run, to say so at the top of the page.</summary>
    public IDashboardAction? Done { get; set; }

    /// <summary>The page's data: an <c>OverviewModel</c> or a <c>PartitionsModel</c>.</summary>
    public object? Model { get; set; }

    /// <summary>The address the page reloads from: its own for a GET, its GET page for a POST.</summary>
    public string ReloadUrl { get; set; } = "";

    public string Link(string path) => $"{Prefix}/{path}";
}
