using System.CommandLine;
using System.Globalization;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.DeadLetters;

/// <summary><c>logpipe dead-letters purge</c>: deletes dead letters for good; asks first, or needs <c>--yes</c> when not at a terminal.</summary>
internal static class DeadLettersPurgeCommand
{
    private static readonly Option<bool> Yes = new("--yes", "-y") { Description = "Delete without asking." };

    public static Command Create()
    {
        var command = new Command("purge", "Delete dead letters for good.") { Yes };
        DeadLetterOptions.AddTo(command, withIds: true);
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var selection = DeadLetterOptions.From(context, int.MaxValue);
        var ids = await context.Operations.FindDeadLettersAsync(selection, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            await context.Out.WriteLineAsync($"No dead letters{DeadLetterOptions.Scope(selection)} match; nothing to delete.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var what = string.Create(CultureInfo.InvariantCulture, $"{ids.Count} dead letter(s){DeadLetterOptions.Scope(selection)}");
        if (!context.Parse.GetValue(Yes) && !await ConfirmAsync(context, what).ConfigureAwait(false))
        {
            throw CommandException.Refused($"{what} match; nothing deleted. Run again with --yes to delete them.");
        }

        var deleted = await context.Operations.PurgeDeadLettersAsync(ids, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Deleted {deleted} dead letter(s).")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>Asks at a terminal; anywhere else (a script, a pipe, a program running the tool inside itself) the answer is no.</summary>
    private static async Task<bool> ConfirmAsync(ToolContext context, string what)
    {
        if (context.Out is not TerminalSafeWriter { WritesToConsole: true } || Console.IsInputRedirected || Console.IsOutputRedirected) return false;
        await context.Out.WriteAsync($"Delete {what}? [y/N] ").ConfigureAwait(false);
        var answer = await Console.In.ReadLineAsync().ConfigureAwait(false);
        return answer?.Trim() is "y" or "Y" or "yes";
    }
}
