using System.Globalization;
using LogPipe.Hosting.Dashboard.Pages;
using LogPipe.Hosting.Dashboard.Reading;
using LogPipe.Hosting.Dashboard.Rendering;
using LogPipe.Hosting.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Dashboard.Actions;

/// <summary>
/// <c>POST {prefix}/offsets/move</c>: rewinds or skips one partition or shard through
/// <see cref="LogPipeOperations.MoveOffsetAsync"/>, so every rule of the CLI's <c>offsets set</c> holds (inside the log,
/// refused while the consumer group has members unless forced, a concurrent change reported). Guarded as every action
/// (<see cref="ActionGuard"/>). A move done redirects to the offsets page, which says what moved; a refusal renders the
/// page again with the library's explanation, with 409 (refused, conflict), 400 (invalid), 404 or 503.
/// </summary>
internal static class OffsetMoveEndpoint
{
    public const string Name = "move-offset";

    public static async Task<IResult> RunAsync(HttpContext context, string prefix)
    {
        if (await ActionGuard.RefuseAsync(context, Name).ConfigureAwait(false) is { } refused) return refused;

        var services = context.RequestServices;
        var operations = services.GetRequiredService<DashboardFeatures>().Operations;
        if (operations is null)
        {
            return Results.Text("404 Not Found: moving offsets needs the operator library: call builder.Services.AddLogPipeOperations<TDbContext>().", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        var form = context.Request.Form;
        var stream = form["stream"].ToString();
        var partition = form["partition"].ToString();
        var user = context.User.Identity?.Name ?? "an anonymous user";
        var logger = services.GetRequiredService<ILogger<IDashboardAction>>();
        try
        {
            var request = Request(operations.ConsumerGroup ?? "", form);
            var move = await operations.MoveOffsetAsync(request, context.RequestAborted).ConfigureAwait(false);
            var stored = move.Stored;
            var result = $"moved {move.Transport}/{stored.Stream}/{stored.Partition} of consumer group '{request.ConsumerGroup}' from {Position(move.Before)} to {Position(stored)} (checkpoint version {stored.Version}){(request.Force ? ", forced" : "")}";
            DashboardLog.ActionRun(logger, Name, user, context.Connection.RemoteIpAddress?.ToString() ?? "an unknown address", result);
            // Post/redirect/get: a reload does not move it again.
            return Results.Redirect($"{prefix}/offsets?moved={Uri.EscapeDataString(char.ToUpperInvariant(result[0]) + result[1..])}");
        }
        catch (OperationException ex)
        {
            OffsetLog.OffsetMoveRefused(logger, stream, partition, user, ex.Failure.ToString(), ex.Message);
            context.Response.StatusCode = ex.Failure switch
            {
                OperationFailure.InvalidRequest => StatusCodes.Status400BadRequest,
                OperationFailure.NotFound => StatusCodes.Status404NotFound,
                OperationFailure.Unreachable => StatusCodes.Status503ServiceUnavailable,
                OperationFailure.Failed => StatusCodes.Status500InternalServerError,
                _ => StatusCodes.Status409Conflict,
            };
            var model = await services.GetRequiredService<OperationsReader>().OffsetsAsync(context.RequestAborted).ConfigureAwait(false);
            return await PageRenderer.RenderAsync<OffsetsPage>(context, prefix, "offsets", model with { Refusal = ex.Message, RefusalKind = ex.Failure, RefusalCanBeForced = ex.CanBeForced }, forms: true).ConfigureAwait(false);
        }
    }

    /// <summary>The request the form asks for: exactly one target (<c>to</c>: offset, time, beginning, end or sequence).</summary>
    private static OffsetMoveRequest Request(string group, IFormCollection form)
    {
        var (stream, partition) = (form["stream"].ToString(), form["partition"].ToString());
        if (stream.Length == 0 || partition.Length == 0) throw new OperationException(OperationFailure.InvalidRequest, "The form names no topic or partition. Reload the offsets page and try again.");
        var transport = form["transport"].ToString() is { Length: > 0 } t ? t : null;
        var force = form["force"].ToString() is "on" or "true";
        var request = new OffsetMoveRequest(group, stream, partition) { Transport = transport, Force = force };
        var value = form["value"].ToString().Trim();
        return form["to"].ToString() switch
        {
            "beginning" => request with { ToBeginning = true },
            "end" => request with { ToEnd = true },
            "sequence" when value.Length > 0 => request with { SequenceNumber = value },
            "offset" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) => request with { Offset = offset },
            "time" when form["time"].ToString().Trim() is { Length: > 0 } time => request with { Time = OffsetTime.Parse(time) },
            "time" => throw new OperationException(OperationFailure.InvalidRequest, "Give the time to move to, in ISO 8601 such as 2026-03-01T12:00:00Z."),
            "offset" => throw new OperationException(OperationFailure.InvalidRequest, $"'{value}' is not an offset: give the next offset to apply, a whole number from 0 up."),
            "sequence" => throw new OperationException(OperationFailure.InvalidRequest, "Give the sequence number to resume after."),
            var other => throw new OperationException(OperationFailure.InvalidRequest, $"'{other}' is not a target: choose an offset, a time, the beginning or the end."),
        };
    }

    private static string Position(LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint? checkpoint) => checkpoint is null
        ? "no checkpoint"
        : checkpoint.SequenceNumber is { } sequence ? $"after sequence {sequence}" : $"next offset {checkpoint.NextOffset.ToString(CultureInfo.InvariantCulture)}";
}
