using System.CommandLine;
using LogPipe.Hosting;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.DeadLetters;

/// <summary>
/// The options that choose which dead letters a command acts on — filters within the consumer group
/// (<c>--stream --kind --type --skip --take</c>) or ids — read into the operator layer's <see cref="DeadLetterSelection"/>.
/// </summary>
internal static class DeadLetterOptions
{
    public static readonly Option<string?> Stream = new("--stream", "-s") { Description = "Only from this topic or stream.", HelpName = "name" };

    public static readonly Option<string?> Kind = new("--kind", "-k")
    {
        Description = "Only of this error kind: " + string.Join(", ", Enum.GetNames<MessageErrorKind>()) + ".",
        HelpName = "kind",
    };

    public static readonly Option<string?> Type = new("--type", "-t") { Description = "Only of this message type.", HelpName = "type" };

    public static readonly Option<int> Skip = new("--skip") { Description = "Skip this many (oldest first).", HelpName = "N" };

    public static readonly Option<int?> Take = new("--take") { Description = "At most this many.", HelpName = "N" };

    public static readonly Option<long[]> Ids = new("--id")
    {
        Description = "Only these dead letters, by id (repeatable; any consumer group). Not combined with the filters.",
        HelpName = "id",
        AllowMultipleArgumentsPerToken = true,
    };

    public static void AddTo(Command command, bool withIds)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { Stream, Kind, Type, Skip, Take }) command.Options.Add(option);
        if (!withIds) return;
        command.Options.Add(Ids);
        command.Validators.Add(r =>
        {
            if (r.GetResult(Ids) is not null && new Option[] { Stream, Kind, Type, Skip, Take }.Any(o => r.GetResult(o) is not null))
            {
                r.AddError("--id selects dead letters by id; do not combine it with --stream, --kind, --type, --skip or --take.");
            }
        });
    }

    /// <summary>Reads the selection from the command line.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="defaultTake">How many when <c>--take</c> is not given.</param>
    /// <exception cref="CommandException">No consumer group (2).</exception>
    /// <exception cref="OperationException">An unknown error kind or a negative paging value.</exception>
    public static DeadLetterSelection From(ToolContext context, int defaultTake)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parse = context.Parse;
        if (parse.GetValue(Ids) is { Length: > 0 } ids) return DeadLetterSelection.ByIds(ids);
        return DeadLetterSelection.Filter(
            context.ConsumerGroup(DeadLettersCommand.Group),
            parse.GetValue(Stream),
            parse.GetValue(Kind),
            parse.GetValue(Type),
            parse.GetValue(Skip),
            parse.GetValue(Take) ?? defaultTake);
    }

    /// <summary>" of consumer group 'g'" when selecting by filters, empty when by id: for messages.</summary>
    public static string Scope(DeadLetterSelection selection) => selection.Ids is not null ? "" : $" of consumer group '{selection.ConsumerGroup}'";
}
