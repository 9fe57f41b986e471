using Microsoft.AspNetCore.Http;

namespace LogPipe.Hosting.Dashboard.Actions;

/// <summary>
/// One state-changing action the dashboard offers as a button: run by a POST to <c>{prefix}/actions/{Name}</c> that
/// carries an antiforgery token, never in read-only mode. The operations of the next pages (replay, purge, offsets)
/// plug in here; a service registers them in DI.
/// </summary>
internal interface IDashboardAction
{
    /// <summary>The action's name in its URL: lower case, digits and dashes.</summary>
    string Name { get; }

    /// <summary>The button's text.</summary>
    string Label { get; }

    /// <summary>What pressing it does, shown beside the button.</summary>
    string Description { get; }

    /// <summary>Runs the action.</summary>
    /// <param name="context">The POST's context (its form is read already).</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>What it did, for the log.</returns>
    Task<string> RunAsync(HttpContext context, CancellationToken cancellationToken);
}
