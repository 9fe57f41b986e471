using System.CommandLine;
using System.Globalization;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Offsets;

/// <summary>
/// <c>logpipe offsets set</c>: rewinds or skips one partition or shard through <see cref="LogPipeOperations.MoveOffsetAsync"/>,
/// which holds the rules: inside the partition or shard, refused while the Kafka consumer group has members unless forced,
/// conditional on the checkpoint it read.
/// </summary>
internal static class OffsetsSetCommand
{
    private static readonly Option<string> Stream = new("--stream", "-s") { Description = "The topic or stream.", Required = true };

    private static readonly Option<string> Partition = new("--partition", "-p") { Description = "The partition number or shard id.", Required = true };

    private static readonly Option<long?> ToOffset = new("--offset") { Description = "The next offset to apply (Kafka).", HelpName = "N" };

    private static readonly Option<string?> ToSequence = new("--sequence")
    {
        Description = "Resume after this sequence number (Kinesis); it must belong to the shard, as Kinesis (LogPipe:Kinesis) confirms.",
        HelpName = "SEQ",
    };

    private static readonly Option<bool> ToEnd = new("--to-end") { Description = "Skip to the partition's end: only records produced from now on are applied (Kafka)." };

    private static readonly Option<bool> ToBeginning = new("--to-beginning") { Description = "Rewind to the first record the partition still holds (Kafka)." };

    private static readonly Option<string?> ToTime = new("--to-time")
    {
        Description = "Move to the first record at or after this ISO 8601 time, or to the end when none is that late (Kafka: record timestamps; Kinesis: arrival timestamps).",
        HelpName = "time",
    };

    private static readonly Option<string?> Transport = new("--transport")
    {
        Description = "The checkpoint's transport: kafka, kinesis:<region> or memory (default: the stored row's, else LogPipe:Transport).",
        HelpName = "name",
    };

    private static readonly Option<bool> Force = new("--force") { Description = "Move it even while the consumer group has members, or when that cannot be checked." };

    public static Command Create()
    {
        var command = new Command("set", "Rewind or skip one partition or shard of the consumer group.")
        {
            Stream, Partition, ToOffset, ToSequence, ToEnd, ToBeginning, ToTime, Transport, Force,
        };
        command.Validators.Add(r =>
        {
            var targets = new Option[] { ToOffset, ToSequence, ToEnd, ToBeginning, ToTime }.Count(o => r.GetResult(o) is { Implicit: false });
            if (targets != 1) r.AddError("Give exactly one of --offset, --sequence, --to-end, --to-beginning, --to-time.");
            if (r.GetValue(ToOffset) is < 0) r.AddError("--offset must not be negative.");
        });
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var parse = context.Parse;
        var group = context.ConsumerGroup(OffsetsCommand.Group);
        var request = new OffsetMoveRequest(group, parse.GetRequiredValue(Stream), parse.GetRequiredValue(Partition))
        {
            Offset = parse.GetValue(ToOffset),
            SequenceNumber = parse.GetValue(ToSequence),
            ToEnd = parse.GetValue(ToEnd),
            ToBeginning = parse.GetValue(ToBeginning),
            Time = parse.GetValue(ToTime) is { } time ? OffsetTime.Parse(time) : null,
            Transport = parse.GetValue(Transport),
            Force = parse.GetValue(Force),
        };

        OffsetMove move;
        try
        {
            move = await context.Operations.MoveOffsetAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationException ex) when (ex.Failure == OperationFailure.Conflict)
        {
            throw CommandException.From(
                ex, $"{ex.Message} Run 'logpipe offsets list' to see where it is now, then set it again (stop the service's consumers first to avoid the race).");
        }

        var (before, stored) = (move.Before, move.Stored);
        var position = stored.SequenceNumber is { } sequence ? $"after sequence number {sequence}" : $"next offset {stored.NextOffset.ToString(CultureInfo.InvariantCulture)}";
        var was = before is null ? "no checkpoint" : before.SequenceNumber is { } old ? $"after {old}" : $"next offset {before.NextOffset.ToString(CultureInfo.InvariantCulture)}";
        await context.Out.WriteLineAsync(
            $"Moved {move.Transport}/{request.Stream}/{request.Partition} of consumer group '{group}': {was} -> {position} (checkpoint version {stored.Version.ToString(CultureInfo.InvariantCulture)}).")
            .ConfigureAwait(false);
        await context.Out.WriteLineAsync("A running consumer is fenced at its next commit and resumes from there.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
