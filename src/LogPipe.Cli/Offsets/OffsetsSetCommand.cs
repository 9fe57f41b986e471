using System.CommandLine;
using System.Globalization;
using LogPipe.Cli.Kafka;
using LogPipe.Cli.Kinesis;
using LogPipe.Hosting;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Cli.Offsets;

/// <summary>
/// <c>logpipe offsets set</c>: rewinds or skips one partition or shard. It moves the checkpoint through the library's
/// <see cref="CheckpointEditor{TDbContext}"/>, whose version bump fences a running consumer so it resumes from the new
/// position; still, by default it refuses while the Kafka consumer group has members.
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
            Stream, Partition, ToOffset, ToSequence, ToEnd, ToBeginning, Transport, Force,
        };
        command.Validators.Add(r =>
        {
            var targets = new Option[] { ToOffset, ToSequence, ToEnd, ToBeginning }.Count(o => r.GetResult(o) is { Implicit: false });
            if (targets != 1) r.AddError("Give exactly one of --offset, --sequence, --to-end, --to-beginning.");
            if (r.GetValue(ToOffset) is < 0) r.AddError("--offset must not be negative.");
        });
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var parse = context.Parse;
        var group = context.ConsumerGroup(OffsetsCommand.Group);
        var stream = parse.GetRequiredValue(Stream);
        var partition = parse.GetRequiredValue(Partition);
        var editor = context.Database.CheckpointEditor(group);
        var existing = (await context.Database.RunAsync(_ => editor.ListAsync(group, cancellationToken), cancellationToken).ConfigureAwait(false))
            .Where(c => c.Stream == stream && c.Partition == partition)
            .ToList();
        var transport = ResolveTransport(context, existing);
        var before = existing.Find(c => c.Transport == transport);

        var checkpoint = CheckpointTransport.IsKafka(transport)
            ? await KafkaTargetAsync(context, group, stream, partition).ConfigureAwait(false)
            : CheckpointTransport.IsKinesis(transport)
                ? await KinesisTargetAsync(context, transport, stream, partition, before, cancellationToken).ConfigureAwait(false)
                : new Checkpoint(parse.GetValue(ToOffset) ?? throw CommandException.Usage($"A '{transport}' partition moves with --offset."));

        // Conditional on the checkpoint read above, the one the decision and the "was" below are about: a consumer commit
        // (or another operator) in between is reported, not overwritten.
        LogPipeCheckpoint stored;
        try
        {
            stored = await context.Database.RunAsync(
                _ => editor.SetAsync(new PartitionKey(transport, stream, partition), checkpoint, before?.Version ?? 0, group, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (CheckpointConflictException ex)
        {
            throw new CommandException(
                ExitCodes.Conflict,
                $"{ex.Message} Run 'logpipe offsets list' to see where it is now, then set it again (stop the service's consumers first to avoid the race).",
                ex);
        }

        var position = stored.SequenceNumber is { } sequence ? $"after sequence number {sequence}" : $"next offset {stored.NextOffset.ToString(CultureInfo.InvariantCulture)}";
        var was = before is null ? "no checkpoint" : before.SequenceNumber is { } old ? $"after {old}" : $"next offset {before.NextOffset.ToString(CultureInfo.InvariantCulture)}";
        await context.Out.WriteLineAsync(
            $"Moved {transport}/{stream}/{partition} of consumer group '{group}': {was} -> {position} (checkpoint version {stored.Version.ToString(CultureInfo.InvariantCulture)}).")
            .ConfigureAwait(false);
        await context.Out.WriteLineAsync("A running consumer is fenced at its next commit and resumes from there.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string ResolveTransport(ToolContext context, List<LogPipeCheckpoint> existing)
    {
        if (context.Parse.GetValue(Transport) is { } given) return given;
        if (existing.Count == 1) return existing[0].Transport;
        if (existing.Count > 1)
        {
            throw CommandException.Usage($"Checkpoints of several transports match ({string.Join(", ", existing.Select(c => c.Transport))}); choose one with --transport.");
        }

        return CheckpointTransport.FromConfiguration(context.Configuration)
            ?? throw CommandException.Usage("No checkpoint for that partition yet and LogPipe:Transport does not say which transport it is on: pass --transport.");
    }

    private static async Task<Checkpoint> KafkaTargetAsync(ToolContext context, string group, string topic, string partitionText)
    {
        var parse = context.Parse;
        if (parse.GetValue(ToSequence) is not null) throw CommandException.Usage("--sequence is for Kinesis shards; a Kafka partition moves with --offset, --to-end or --to-beginning.");
        if (!int.TryParse(partitionText, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            throw CommandException.Usage($"'{partitionText}' is not a Kafka partition number.");
        }

        var kafka = context.Kafka;
        using var admin = kafka.CreateAdminClient();
        var partitions = kafka.Partitions(admin, topic);
        if (!partitions.Contains(partition)) throw CommandException.NotFound($"Topic '{topic}' has no partition {partition} (it has {partitions.Count}).");

        using var reader = kafka.CreateReader();
        var marks = kafka.Watermarks(reader, topic, partition);
        var offset = parse.GetValue(ToOffset);
        if (offset is { } given) ThrowUnlessInRange(topic, partition, given, marks);

        // Checked after the range, and even with --force the range holds: no position outside it is ever safe to store.
        if (!parse.GetValue(Force)) await RefuseWhileActiveAsync(context, kafka, admin, group).ConfigureAwait(false);
        return new Checkpoint(offset ?? (parse.GetValue(ToEnd) ? marks.High.Value : marks.Low.Value));
    }

    /// <summary>
    /// Refuses a next offset outside [log start, log end]. Past the end, the consumer's fetch fails with "offset out of
    /// range" and librdkafka resets the partition by <c>auto.offset.reset</c> — to the earliest record (everything applied
    /// again) or to the latest (everything up to now skipped); below the start the records are already deleted, with the
    /// same reset. The log end itself is fine: it means "caught up", the next record produced is the next one applied.
    /// </summary>
    private static void ThrowUnlessInRange(string topic, int partition, long offset, Confluent.Kafka.WatermarkOffsets marks)
    {
        var (low, high) = (marks.Low.Value, marks.High.Value);
        if (offset >= low && offset <= high) return;
        var holds = low == high
            ? $"it holds no records, so the only valid next offset is {N(high)} (its end)"
            : $"it holds offsets {N(low)} to {N(high - 1)}, so the next offset must be between {N(low)} (its first record) and {N(high)} (its end: caught up)";
        var why = offset > high
            ? "an offset past the end would make the consumer reset the partition by auto.offset.reset (with 'earliest', everything is applied again)"
            : "the records before its first offset are deleted, and the consumer would reset the partition by auto.offset.reset";
        throw CommandException.Refused(
            $"Offset {N(offset)} is outside partition {N(partition)} of topic '{topic}': {holds}; {why}. " +
            "Use --to-beginning or --to-end for the ends. Nothing was changed.");
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A Kinesis shard moves to a sequence number that must be well formed and belong to that shard of that stream, as
    /// Kinesis itself confirms: free text stored there would stop the shard's consumer at its next start, or resume it
    /// in the wrong place.
    /// </summary>
    private static async Task<Checkpoint> KinesisTargetAsync(
        ToolContext context, string transport, string stream, string shard, LogPipeCheckpoint? before, CancellationToken cancellationToken)
    {
        var sequence = context.Parse.GetValue(ToSequence) ?? throw CommandException.Usage("A Kinesis shard moves with --sequence.");
        if (!KinesisSequenceNumber.IsWellFormed(sequence))
        {
            throw CommandException.Usage(
                $"'{sequence}' is not a Kinesis sequence number (--sequence): that is a decimal number without leading zeros, at most " +
                $"{KinesisSequenceNumber.MaxDigits} digits, such as 49590338271490256608559692538361571095921575989136588898.");
        }

        var region = transport.Length > CheckpointTransport.KinesisPrefix.Length ? transport[(CheckpointTransport.KinesisPrefix.Length + 1)..] : null;
        using var kinesis = KinesisConnection.Create(context.Configuration, region);
        await kinesis.ThrowUnlessInShardAsync(stream, shard, sequence, cancellationToken).ConfigureAwait(false);
        return new Checkpoint(before?.NextOffset ?? 0, sequence);
    }

    private static async Task RefuseWhileActiveAsync(ToolContext context, KafkaConnection kafka, Confluent.Kafka.IAdminClient admin, string group)
    {
        // The service joins Kafka as LogPipe:Kafka:GroupId when that is set, else as its consumer group.
        var groupId = group == context.ConfiguredConsumerGroup && context.Configuration["LogPipe:Kafka:GroupId"] is { } configured ? configured : group;
        var activity = await ConsumerGroupActivity.DescribeAsync(kafka, admin, groupId).ConfigureAwait(false);
        activity.ThrowUnlessInactive(groupId);
    }
}
