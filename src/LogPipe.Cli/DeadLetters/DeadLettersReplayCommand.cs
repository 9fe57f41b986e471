using System.CommandLine;
using System.Globalization;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.DeadLetters;

/// <summary>
/// <c>logpipe dead-letters replay</c>: asks the running service to replay dead letters. Only the service has the
/// serializers, so the tool marks the rows (<see cref="LogPipeDeadLetter.ReplayRequestedAt"/>,
/// <see cref="LogPipeOperations.RequestReplayAsync"/>) and, with <c>--wait</c>, watches them
/// (<see cref="LogPipeOperations.WaitForReplayAsync"/>).
/// </summary>
internal static class DeadLettersReplayCommand
{
    private static readonly Option<bool> Wait = new("--wait", "-w") { Description = "Wait until the service has replayed them (or they failed again) and report." };

    private static readonly Option<int> Timeout = new("--timeout")
    {
        Description = "With --wait: give up after this many seconds.",
        HelpName = "seconds",
        DefaultValueFactory = _ => 60,
    };

    public static Command Create()
    {
        var command = new Command("replay", "Ask the running service to replay dead letters (after a fix, or once the missing version is registered).") { Wait, Timeout };
        DeadLetterOptions.AddTo(command, withIds: true);
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var selection = DeadLetterOptions.From(context, int.MaxValue);
        var marked = await context.Operations.RequestReplayAsync(selection, cancellationToken).ConfigureAwait(false);
        if (marked.Count == 0)
        {
            await context.Out.WriteLineAsync($"No dead letters{DeadLetterOptions.Scope(selection)} match; nothing to replay.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Marked {marked.Count} dead letter(s){DeadLetterOptions.Scope(selection)} for replay: {IdList(marked.Select(m => m.Id))}.")).ConfigureAwait(false);
        if (!context.Parse.GetValue(Wait))
        {
            await context.Out.WriteLineAsync(
                "The running service replays them within LogPipe:DeadLetters:ReplayPoll (default 00:00:05); 'dead-letters list' shows what is left.")
                .ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var timeout = TimeSpan.FromSeconds(context.Parse.GetValue(Timeout));
        var outcome = await context.Operations.WaitForReplayAsync(marked, timeout, cancellationToken).ConfigureAwait(false);
        return await ReportAsync(context, outcome, timeout).ConfigureAwait(false);
    }

    private static async Task<int> ReportAsync(ToolContext context, ReplayOutcome outcome, TimeSpan timeout)
    {
        var o = context.Out;
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Replayed {outcome.Replayed} of {outcome.Marked}; {outcome.FailedAgain.Count} failed again; {outcome.Pending.Count} still pending.")).ConfigureAwait(false);
        foreach (var d in outcome.FailedAgain)
        {
            var error = d.Error.ReplaceLineEndings(" ");
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {d.Id}  {d.ErrorKind}: {error}")).ConfigureAwait(false);
        }

        if (outcome.Pending.Count > 0)
        {
            var seconds = timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
            await context.Error.WriteLineAsync(
                $"logpipe: {IdList(outcome.Pending)} still pending after {seconds} s. Is the service running with its consumers enabled, and " +
                "LogPipe:DeadLetters:DisableReplayRequests not set?").ConfigureAwait(false);
        }

        return outcome.AllReplayed ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string IdList(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        var shown = string.Join(", ", list.Take(20).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return list.Count > 20 ? $"ids {shown}, … ({list.Count - 20} more)" : $"ids {shown}";
    }
}
