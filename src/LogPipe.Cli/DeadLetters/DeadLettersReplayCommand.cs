using System.CommandLine;
using System.Globalization;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Cli.DeadLetters;

/// <summary>
/// <c>logpipe dead-letters replay</c>: asks the running service to replay dead letters. Only the service has the
/// serializers, so the tool marks the rows (<see cref="LogPipeDeadLetter.ReplayRequestedAt"/>) and, with <c>--wait</c>,
/// watches them: a replayed one disappears, one that failed again loses its request and gains an attempt.
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
        DeadLetterSelection.AddTo(command, withIds: true);
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var selection = DeadLetterSelection.From(context, int.MaxValue);
        var marked = await context.Database.RunAsync(
            async db =>
            {
                var rows = await selection.FindAsync(db, d => new ReplayWatch.Marked(d.Id, d.Attempts), m => m.Id, cancellationToken).ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                foreach (var chunk in rows.Select(r => r.Id).Chunk(500))
                {
                    await db.Set<LogPipeDeadLetter>().Where(d => chunk.Contains(d.Id))
                        .ExecuteUpdateAsync(s => s.SetProperty(d => d.ReplayRequestedAt, now), cancellationToken).ConfigureAwait(false);
                }

                return rows;
            },
            cancellationToken).ConfigureAwait(false);

        if (marked.Count == 0)
        {
            await context.Out.WriteLineAsync($"No dead letters{selection.Scope()} match; nothing to replay.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Marked {marked.Count} dead letter(s){selection.Scope()} for replay: {ReplayWatch.IdList(marked.Select(m => m.Id))}.")).ConfigureAwait(false);
        if (!context.Parse.GetValue(Wait))
        {
            await context.Out.WriteLineAsync(
                "The running service replays them within LogPipe:DeadLetters:ReplayPoll (default 00:00:05); 'dead-letters list' shows what is left.")
                .ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var timeout = TimeSpan.FromSeconds(context.Parse.GetValue(Timeout));
        return await new ReplayWatch(context, marked).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }
}
