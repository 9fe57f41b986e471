using System.Globalization;
using LogPipe.Hosting.Dashboard.Reading;
using LogPipe.Hosting.Dashboard.Rendering;
using LogPipe.Hosting.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogPipe.Hosting.Dashboard.Pages;

/// <summary>
/// The dead-letter pages: the filtered, paged list; one dead letter with its record decoded; the purge confirmation; and
/// the refusals of the POSTs (<c>DeadLetterActionEndpoints</c>), all on <see cref="LogPipeOperations"/>, so the rules are the CLI's.
/// </summary>
internal static class DeadLetterEndpoints
{
    public const string Current = "dead-letters";

    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/dead-letters", (Func<HttpContext, Task<IResult>>)(context => ListAsync(context, prefix)));
        group.MapGet("/dead-letters/{id:long}", (HttpContext context, long id) => ShowAsync(context, prefix, id));
        group.MapGet("/dead-letters/purge", (Func<HttpContext, Task<IResult>>)(context => ConfirmPurgeAsync(context, prefix)));
    }

    /// <summary>An action on dead letters that did not happen, shown as a page with the status its failure means.</summary>
    public static Task<IResult> ProblemAsync(HttpContext context, string prefix, int status, string title, string message, string back)
    {
        context.Response.StatusCode = status;
        return PageRenderer.RenderAsync<DeadLetterProblemPage>(context, prefix, Current, new DeadLetterProblemModel(title, message, back));
    }

    private static async Task<IResult> ListAsync(HttpContext context, string prefix)
    {
        var filter = DeadLetterFilter.From(context.Request.Query);
        Operations.DeadLetterPage? page = null;
        if (DeadLetterOperations.Find(context, out var problem) is var (operations, group))
        {
            try
            {
                page = await operations.ListDeadLettersAsync(filter.Selection(group, paged: true), context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationException ex)
            {
                problem = ex.Message;
                context.Response.StatusCode = DeadLetterOperations.StatusCode(ex.Failure);
            }
        }

        var model = new DeadLettersModel(filter, page, problem, Notice(context.Request.Query));
        return await PageRenderer.RenderAsync<DeadLettersPage>(context, prefix, Current, model, forms: true).ConfigureAwait(false);
    }

    private static async Task<IResult> ShowAsync(HttpContext context, string prefix, long id)
    {
        var back = $"{prefix}/dead-letters";
        if (DeadLetterOperations.Find(context, out var problem) is not var (operations, _))
        {
            return await ProblemAsync(context, prefix, StatusCodes.Status501NotImplemented, "Dead letters", problem!, back).ConfigureAwait(false);
        }

        try
        {
            var letter = await operations.GetDeadLetterAsync(id, context.RequestAborted).ConfigureAwait(false);
            var model = new DeadLetterDetailModel(letter, DecodedRecord.Decode(letter.Value), RecordHeaders.Read(letter.Headers));
            return await PageRenderer.RenderAsync<DeadLetterDetailPage>(context, prefix, Current, model, forms: true).ConfigureAwait(false);
        }
        catch (OperationException ex)
        {
            return await ProblemAsync(context, prefix, DeadLetterOperations.StatusCode(ex.Failure), $"Dead letter {id.ToString(CultureInfo.InvariantCulture)}", ex.Message, back).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> ConfirmPurgeAsync(HttpContext context, string prefix)
    {
        var filter = DeadLetterFilter.From(context.Request.Query);
        var back = $"{prefix}/dead-letters{filter.Query()}";
        if (DeadLetterOperations.Find(context, out var problem) is not var (operations, group))
        {
            return await ProblemAsync(context, prefix, StatusCodes.Status501NotImplemented, "Purge dead letters", problem!, back).ConfigureAwait(false);
        }

        try
        {
            long? single = long.TryParse(context.Request.Query["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
            var selection = single is { } one ? DeadLetterSelection.ByIds([one]) : filter.Selection(group, paged: false);
            var ids = await operations.FindDeadLettersAsync(selection, context.RequestAborted).ConfigureAwait(false);
            return await PageRenderer.RenderAsync<DeadLetterPurgePage>(context, prefix, Current, new DeadLetterPurgeModel(filter, ids, single), forms: true).ConfigureAwait(false);
        }
        catch (OperationException ex)
        {
            return await ProblemAsync(context, prefix, DeadLetterOperations.StatusCode(ex.Failure), "Purge dead letters", ex.Message, back).ConfigureAwait(false);
        }
    }

    /// <summary>What the action that redirected here did, from its own query parameter (numbers only, never text).</summary>
    private static string? Notice(IQueryCollection query)
    {
        static int? Count(IQueryCollection query, string name) =>
            int.TryParse(query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        if (Count(query, "replayed") is { } replayed)
        {
            return replayed == 0
                ? "No dead letter matched: nothing was marked for replay."
                : $"Marked {replayed} dead letter(s) for replay: the service applies them within its replay poll (LogPipe:DeadLetters:ReplayPoll) and removes each one applied.";
        }

        return Count(query, "purged") is { } purged ? $"Purged {purged} dead letter(s)." : null;
    }
}
