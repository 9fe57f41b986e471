using System.CommandLine;

namespace LogPipe.Cli.Offsets;

/// <summary><c>logpipe offsets</c>: the stored checkpoints of a consumer group.</summary>
internal static class OffsetsCommand
{
    public static readonly Option<string?> Group = new("--group", "-g")
    {
        Description = "The consumer group (default: LogPipe:ConsumerGroup).",
        HelpName = "name",
        Recursive = true,
    };

    public static Command Create() => new("offsets", "List or move the checkpoints (offsets) kept in the service's database.")
    {
        Group,
        OffsetsListCommand.Create(),
        OffsetsSetCommand.Create(),
        OffsetsImportDjangoCommand.Create(),
    };
}
