using System.Globalization;
using LogPipe.Hosting.Dashboard.Pages;
using LogPipe.Hosting.Dashboard.Reading;
using LogPipe.Hosting.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogPipe.Hosting.Dashboard.Actions;

/// <summary>
/// The dead-letter POSTs, past <see cref="ActionGuard"/>: replay one (<c>id</c>) or the filtered set (the filter fields),
/// and purge the ids a confirmation page listed. Each redirects back to the list saying what it did; a refusal of the
/// operations library is shown as a page with its message.
/// </summary>
internal static class DeadLetterActionEndpoints
{
    public const string Replay = "dead-letters-replay";
    public const string Purge = "dead-letters-purge";

    public static void Map(RouteGroupBuilder group, string prefix)
    {
        // Antiforgery is checked by ActionGuard, after the read-only switch, so that a read-only refusal wins.
        group.MapPost("/dead-letters/replay", (Func<HttpContext, Task<IResult>>)(context => ReplayAsync(context, prefix))).DisableAntiforgery();
        group.MapPost("/dead-letters/purge", (Func<HttpContext, Task<IResult>>)(context => PurgeAsync(context, prefix))).DisableAntiforgery();
    }

    private static async Task<IResult> ReplayAsync(HttpContext context, string prefix)
    {
        if (await ActionGuard.RefuseAsync(context, Replay).ConfigureAwait(false) is { } refusal) return refusal;
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var filter = DeadLetterFilter.From(form);
        var back = $"{prefix}/dead-letters{filter.Query()}";
        if (DeadLetterOperations.Find(context, out var problem) is not var (operations, group))
        {
            return await DeadLetterEndpoints.ProblemAsync(context, prefix, StatusCodes.Status501NotImplemented, "Replay refused", problem!, back).ConfigureAwait(false);
        }

        try
        {
            var selection = long.TryParse(form["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? DeadLetterSelection.ByIds([id])
                : filter.Selection(group, paged: false);
            var marked = await operations.RequestReplayAsync(selection, context.RequestAborted).ConfigureAwait(false);
            ActionGuard.LogRun(context, Replay, $"marked {marked.Count} dead letter(s) for replay: {string.Join(", ", marked.Select(m => m.Id))}");
            return Results.Redirect($"{prefix}/dead-letters{filter.Query(extra: $"replayed={marked.Count.ToString(CultureInfo.InvariantCulture)}")}");
        }
        catch (OperationException ex)
        {
            return await DeadLetterEndpoints.ProblemAsync(context, prefix, DeadLetterOperations.StatusCode(ex.Failure), "Replay refused", ex.Message, back).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> PurgeAsync(HttpContext context, string prefix)
    {
        if (await ActionGuard.RefuseAsync(context, Purge).ConfigureAwait(false) is { } refusal) return refusal;
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var filter = DeadLetterFilter.From(form);
        var back = $"{prefix}/dead-letters{filter.Query()}";
        if (DeadLetterOperations.Find(context, out var problem) is not var (operations, _))
        {
            return await DeadLetterEndpoints.ProblemAsync(context, prefix, StatusCodes.Status501NotImplemented, "Purge refused", problem!, back).ConfigureAwait(false);
        }

        // Only what the confirmation page listed goes: a dead letter arriving since was not counted, so it stays.
        var ids = new List<long>();
        foreach (var text in form["ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return await DeadLetterEndpoints.ProblemAsync(context, prefix, StatusCodes.Status400BadRequest, "Purge refused", $"'{text}' is not a dead letter id.", back).ConfigureAwait(false);
            }

            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            return await DeadLetterEndpoints.ProblemAsync(context, prefix, StatusCodes.Status400BadRequest, "Purge refused", "The purge names no dead letter: confirm it from the purge page.", back).ConfigureAwait(false);
        }

        try
        {
            var purged = await operations.PurgeDeadLettersAsync(ids, context.RequestAborted).ConfigureAwait(false);
            ActionGuard.LogRun(context, Purge, $"purged {purged} dead letter(s): {string.Join(", ", ids)}");
            return Results.Redirect($"{prefix}/dead-letters{filter.Query(extra: $"purged={purged.ToString(CultureInfo.InvariantCulture)}")}");
        }
        catch (OperationException ex)
        {
            return await DeadLetterEndpoints.ProblemAsync(context, prefix, DeadLetterOperations.StatusCode(ex.Failure), "Purge refused", ex.Message, back).ConfigureAwait(false);
        }
    }
}
