using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Output;


namespace LogPipe.Cli.Outbox;

/// <summary><c>logpipe outbox list</c>: outbox entries in commit order, waiting or set aside.</summary>
internal static class OutboxListCommand
{
    private const int DefaultTake = 100;
    private const int ErrorWidth = 72;

    private static readonly Option<bool> SetAside = new("--set-aside") { Description = "Only entries the broker refused for good and the relay set aside." };
    private static readonly Option<bool> Waiting = new("--waiting") { Description = "Only entries waiting to be sent." };
    private static readonly Option<int> Take = new("--take") { Description = $"At most this many (default {DefaultTake}).", DefaultValueFactory = _ => DefaultTake };
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of a table." };

    public static Command Create()
    {
        var command = new Command("list", $"List outbox entries in commit order (at most {DefaultTake} unless --take says otherwise).") { SetAside, Waiting, Take, Json };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var setAside = context.Parse.GetValue(SetAside);
        var waiting = context.Parse.GetValue(Waiting);
        var take = context.Parse.GetValue(Take);
        if (setAside && waiting) throw new CommandException(ExitCodes.Usage, "--set-aside and --waiting exclude each other; give one or neither.");
        var (rows, total) = await context.Operations.ListOutboxAsync(setAside ? true : waiting ? false : null, take, cancellationToken).ConfigureAwait(false);

        if (context.Parse.GetValue(Json))
        {
            var json = new
            {
                total,
                entries = rows.Select(e => new
                {
                    id = e.Id,
                    topic = e.Topic,
                    key = e.Key,
                    messageType = e.MessageType,
                    version = e.Version,
                    size = e.Value.Length,
                    createdAt = e.CreatedAt,
                    attempts = e.Attempts,
                    setAsideAt = e.SetAsideAt,
                    lastError = e.LastError,
                }),
            };
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(json, OutputJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var which = setAside ? "set-aside " : waiting ? "waiting " : "";
        if (rows.Count == 0)
        {
            await context.Out.WriteLineAsync($"No {which}outbox entries.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var table = new TextTable("ID>", "TOPIC", "KEY", "TYPE", "VERSION>", "SIZE>", "COMMITTED", "ATTEMPTS>", "STATE", "ERROR");
        foreach (var e in rows)
        {
            table.Add(
                Number(e.Id), e.Topic, e.Key, e.MessageType, Number(e.Version), Number(e.Value.Length), RecordPrinter.Timestamp(e.CreatedAt),
                Number(e.Attempts), e.SetAsideAt is { } at ? "set aside " + RecordPrinter.Timestamp(at) : "waiting", e.LastError is null ? null : OneLine(e.LastError));
        }

        table.Write(context.Out);
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} of {total} {which}outbox entries, oldest first.")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= ErrorWidth ? line : line[..(ErrorWidth - 1)] + "…";
    }
}
