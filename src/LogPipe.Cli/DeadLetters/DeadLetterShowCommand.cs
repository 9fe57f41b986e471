using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Output;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.DeadLetters;

/// <summary><c>logpipe dead-letters show &lt;id&gt;</c>: one dead letter in full, its record decoded.</summary>
internal static class DeadLetterShowCommand
{
    private static readonly Argument<long> Id = new("id") { Description = "The dead letter's id (from 'dead-letters list')." };

    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON, the record as 'tail --json' prints it." };

    public static Command Create()
    {
        var command = new Command("show", "Show one dead letter: where it came from, why it failed, and its record decoded.") { Id, Json };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var id = context.Parse.GetValue(Id);
        var letter = await context.Operations.GetDeadLetterAsync(id, cancellationToken).ConfigureAwait(false);
        var record = new RecordLocation(letter.Stream, letter.Partition, letter.Offset, letter.RecordTimestamp, letter.Key, letter.Value);

        if (context.Parse.GetValue(Json))
        {
            var recordJson = new StringWriter(CultureInfo.InvariantCulture);
            new RecordPrinter(recordJson, json: true).Print(record);
            using var parsedRecord = JsonDocument.Parse(recordJson.ToString());
            var json = new { deadLetter = DeadLetterJson.Summary(letter), headers = RecordHeaders.Read(letter.Headers), record = parsedRecord.RootElement };
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(json, OutputJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var o = context.Out;
        var position = letter.SequenceNumber is null ? $"offset {letter.Offset}" : $"offset {letter.Offset}, sequence number {letter.SequenceNumber}";
        await o.WriteLineAsync($"Dead letter {letter.Id}").ConfigureAwait(false);
        await o.WriteLineAsync($"  consumer group    {letter.ConsumerGroup}").ConfigureAwait(false);
        await o.WriteLineAsync($"  source            {letter.Transport}/{letter.Stream}/{letter.Partition} at {position}").ConfigureAwait(false);
        await o.WriteLineAsync($"  message           {letter.MessageType ?? "?"} v{(letter.Version is { } v ? v.ToString(CultureInfo.InvariantCulture) : "?")}").ConfigureAwait(false);
        await o.WriteLineAsync($"  error             {letter.ErrorKind}: {letter.Error}").ConfigureAwait(false);
        await o.WriteLineAsync($"  attempts          {letter.Attempts}").ConfigureAwait(false);
        await o.WriteLineAsync($"  record time       {RecordPrinter.Timestamp(letter.RecordTimestamp)}").ConfigureAwait(false);
        await o.WriteLineAsync($"  first failed      {RecordPrinter.Timestamp(letter.FirstFailedAt)}").ConfigureAwait(false);
        await o.WriteLineAsync($"  dead-lettered     {RecordPrinter.Timestamp(letter.DeadLetteredAt)}").ConfigureAwait(false);
        await o.WriteLineAsync($"  replay requested  {(letter.ReplayRequestedAt is { } at ? RecordPrinter.Timestamp(at) : "no")}").ConfigureAwait(false);
        foreach (var (name, value) in RecordHeaders.Read(letter.Headers)) await o.WriteLineAsync($"  header            {name}={value}").ConfigureAwait(false);
        await o.WriteLineAsync($"  record ({letter.Value.Length} bytes):").ConfigureAwait(false);
        new RecordPrinter(o, json: false).Print(record);
        return ExitCodes.Success;
    }
}
