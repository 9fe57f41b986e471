using System.CommandLine;

namespace LogPipe.Cli.DeadLetters;

/// <summary><c>logpipe dead-letters</c>: the records the service could not apply, kept in its database.</summary>
internal static class DeadLettersCommand
{
    public static readonly Option<string?> Group = new("--group", "-g")
    {
        Description = "The consumer group (default: LogPipe:ConsumerGroup).",
        HelpName = "name",
        Recursive = true,
    };

    public static Command Create() => new("dead-letters", "List, show, replay or purge the records the service could not apply.")
    {
        Group,
        DeadLettersListCommand.Create(),
        DeadLetterShowCommand.Create(),
        DeadLettersReplayCommand.Create(),
        DeadLettersPurgeCommand.Create(),
    };
}
