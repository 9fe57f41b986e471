using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.Tail;

/// <summary>
/// <c>logpipe tail &lt;topic&gt;</c>: decodes a topic's (or, with <c>LogPipe:Transport</c> = <c>Kinesis</c>, a stream's) records
/// live and prints them readably, json and msgpack alike.
/// </summary>
internal static class TailCommand
{
    private static readonly Argument<string> Topic = new("topic") { Description = "The Kafka topic, or the Kinesis stream when LogPipe:Transport is Kinesis." };

    private static readonly Option<string> From = new("--from")
    {
        Description = "Start at the beginning of each partition (Kinesis: shard) or at its end (only new records).",
        DefaultValueFactory = _ => "end",
    };

    private static readonly Option<int?> Count = new("--count", "-n") { Description = "Stop after this many records.", HelpName = "N" };

    private static readonly Option<string?> Partition = new("--partition", "-p")
    {
        Description = "Only this partition (Kinesis: this shard, by id or by the number in it).",
        HelpName = "P",
    };

    private static readonly Option<bool> ExitAtEnd = new("--exit-at-end")
    {
        Description = "Stop when every partition (shard) has been read to its end instead of waiting for new records.",
    };

    private static readonly Option<bool> Json = new("--json") { Description = "One JSON object per record and line, for scripts." };

    public static Command Create()
    {
        From.AcceptOnlyFromAmong("beginning", "end");
        Count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0) r.AddError("--count must be positive.");
        });
        var command = new Command("tail", "Print a topic's records as they arrive: partition, offset, key, type, version, producer and the message as JSON.")
        {
            Topic, From, Count, Partition, ExitAtEnd, Json,
        };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var request = new TailRequest(
            context.Parse.GetRequiredValue(Topic),
            context.Parse.GetValue(From) == "beginning",
            context.Parse.GetValue(Count),
            context.Parse.GetValue(Partition),
            context.Parse.GetValue(ExitAtEnd),
            context.Parse.GetValue(Json));
        if (string.Equals(context.Configuration["LogPipe:Transport"], "Kinesis", StringComparison.OrdinalIgnoreCase))
        {
            return await KinesisTail.RunAsync(context, request, cancellationToken).ConfigureAwait(false);
        }

        return await RunKafkaAsync(context, request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunKafkaAsync(ToolContext context, TailRequest request, CancellationToken cancellationToken)
    {
        var topic = request.Stream;
        var fromBeginning = request.FromBeginning;
        var count = request.Count;
        var exitAtEnd = request.ExitAtEnd;
        var kafka = context.Kafka;

        IReadOnlyList<int> partitions;
        using (var admin = kafka.CreateAdminClient()) partitions = kafka.Partitions(admin, topic);
        if (request.Partition is { } given)
        {
            if (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var only))
            {
                throw CommandException.Usage($"--partition '{given}' is not a partition number (Kafka partitions are numbered from 0).");
            }

            if (!partitions.Contains(only)) throw CommandException.NotFound($"Topic '{topic}' has no partition {only} (it has {partitions.Count}).");
            partitions = [only];
        }

        using var reader = kafka.CreateReader(reportEndOfPartition: exitAtEnd);

        // "The end" is fixed now, from the watermarks: whatever is produced after the line below is printed.
        var start = partitions.Select(p => new TopicPartitionOffset(
            topic, p, fromBeginning ? Offset.Beginning : new Offset(kafka.Watermarks(reader, topic, p).High))).ToList();
        reader.Assign(start);
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Tailing '{topic}' ({partitions.Count} partition{(partitions.Count == 1 ? "" : "s")}) from the {(fromBeginning ? "beginning" : "end")} on {kafka.BootstrapServers}; Ctrl+C stops."))
            .ConfigureAwait(false);

        // Confluent's consumer is synchronous; a worker thread keeps Ctrl+C handling responsive.
        return await Task.Run(() => Follow(context, reader, partitions.Count, count, exitAtEnd, cancellationToken), CancellationToken.None).ConfigureAwait(false);
    }

    private static int Follow(ToolContext context, IConsumer<byte[]?, byte[]?> reader, int partitionCount, int? count, bool exitAtEnd, CancellationToken cancellationToken)
    {
        var printer = new RecordPrinter(context.Out, context.Parse.GetValue(Json));
        var atEnd = new HashSet<int>();
        var printed = 0;
        while (count is null || printed < count)
        {
            ConsumeResult<byte[]?, byte[]?> result;
            try
            {
                result = reader.Consume(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ConsumeException ex) when (ex.Error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition)
            {
                throw CommandException.NotFound($"Topic '{ex.ConsumerRecord?.Topic}' went away: {context.Kafka.Redact(ex.Error.Reason)}");
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                if (exitAtEnd && atEnd.Count == partitionCount) break;
                continue;
            }

            atEnd.Remove(result.Partition.Value);
            printer.Print(new RecordLocation(
                result.Topic,
                result.Partition.Value.ToString(CultureInfo.InvariantCulture),
                result.Offset.Value,
                result.Message.Timestamp.UtcDateTime,
                result.Message.Key,
                result.Message.Value ?? []));
            context.Out.Flush();
            printed++;
        }

        return ExitCodes.Success;
    }
}
