using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Output;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.DeadLetters;

/// <summary><c>logpipe dead-letters list</c>: a page of dead letters, oldest first.</summary>
internal static class DeadLettersListCommand
{
    private const int DefaultTake = 100;
    private const int ErrorWidth = 72;

    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of a table." };

    public static Command Create()
    {
        var command = new Command("list", $"List dead letters, oldest first (at most {DefaultTake} unless --take says otherwise).") { Json };
        DeadLetterOptions.AddTo(command, withIds: false);
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var selection = DeadLetterOptions.From(context, DefaultTake);
        var (rows, total) = await context.Operations.ListDeadLettersAsync(selection, cancellationToken).ConfigureAwait(false);

        if (context.Parse.GetValue(Json))
        {
            var json = new { consumerGroup = selection.ConsumerGroup, total, deadLetters = rows.Select(DeadLetterJson.Summary) };
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(json, OutputJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (rows.Count == 0)
        {
            await context.Out.WriteLineAsync($"No dead letters match ({total} in consumer group '{selection.ConsumerGroup}').").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var table = new TextTable("ID>", "STREAM", "PARTITION>", "OFFSET>", "TYPE", "VERSION>", "KIND", "ATTEMPTS>", "DEAD-LETTERED", "REPLAY", "ERROR");
        foreach (var d in rows)
        {
            table.Add(
                Number(d.Id), d.Stream, d.Partition, Number(d.Offset), d.MessageType, d.Version is { } v ? Number(v) : null, d.ErrorKind,
                Number(d.Attempts), RecordPrinter.Timestamp(d.DeadLetteredAt), d.ReplayRequestedAt is null ? null : "requested", OneLine(d.Error));
        }

        table.Write(context.Out);
        var first = selection.Query.Skip + 1;
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{first}-{first + rows.Count - 1} of {total} dead letters of consumer group '{selection.ConsumerGroup}'. 'logpipe dead-letters show <id>' shows one.")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= ErrorWidth ? line : line[..(ErrorWidth - 1)] + "…";
    }
}
