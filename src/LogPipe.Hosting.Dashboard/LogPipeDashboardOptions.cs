namespace LogPipe.Hosting;

/// <summary>The operator dashboard's settings, bound from <c>LogPipe:Dashboard</c>.</summary>
public sealed class LogPipeDashboardOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "LogPipe:Dashboard";

    /// <summary>
    /// Hides every action and refuses every POST with 403, so the dashboard only shows. Default <see langword="false"/>.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// How often the pages reload themselves, or <see cref="TimeSpan.Zero"/> for never. Default 10 seconds: an operator
    /// watching a backlog drain sees it move without touching the page.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The name shown in the pages' title and header, for example the service's name. Default <c>LogPipe</c>.</summary>
    public string Title { get; set; } = "LogPipe";
}
