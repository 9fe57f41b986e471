using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.Offsets;

/// <summary><c>logpipe offsets list</c>: the consumer group's stored checkpoints, with the lag behind each Kafka partition's end.</summary>
internal static class OffsetsListCommand
{
    private static readonly Option<bool> Lag = new("--lag") { Description = "Also ask Kafka for each partition's end and show the lag (log end - next offset)." };

    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of a table." };

    public static Command Create()
    {
        var command = new Command("list", "List the consumer group's stored checkpoints (offsets) by stream and partition.") { Lag, Json };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var group = context.ConsumerGroup(OffsetsCommand.Group);
        var editor = context.Database.CheckpointEditor(group);
        var checkpoints = await context.Database.RunAsync(_ => editor.ListAsync(group, cancellationToken), cancellationToken).ConfigureAwait(false);
        var rows = checkpoints.Select(c => new OffsetRow(c.Transport, c.Stream, c.Partition, c.NextOffset, c.SequenceNumber, c.Version, c.UpdatedAt)).ToList();
        if (context.Parse.GetValue(Lag)) rows = WithLag(context, rows);

        if (context.Parse.GetValue(Json))
        {
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(new { consumerGroup = group, offsets = rows }, OutputJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (rows.Count == 0)
        {
            await context.Out.WriteLineAsync($"No checkpoints stored for consumer group '{group}' in {context.Database.Description}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await context.Out.WriteLineAsync($"Consumer group '{group}' ({context.Database.Description})").ConfigureAwait(false);
        Table(rows, context.Parse.GetValue(Lag)).Write(context.Out);
        return ExitCodes.Success;
    }

    private static TextTable Table(List<OffsetRow> rows, bool lag)
    {
        var sequences = rows.Exists(r => r.SequenceNumber is not null);
        var headers = new List<string> { "TRANSPORT", "STREAM", "PARTITION>", "NEXT OFFSET>" };
        if (sequences) headers.Add("SEQUENCE NUMBER");
        if (lag) headers.AddRange(["LOG END>", "LAG>"]);
        headers.AddRange(["VERSION>", "UPDATED"]);
        var table = new TextTable([.. headers]);
        foreach (var row in rows)
        {
            var cells = new List<string?> { row.Transport, row.Stream, row.Partition, Number(row.NextOffset) };
            if (sequences) cells.Add(row.SequenceNumber);
            if (lag) cells.AddRange([Number(row.LogEndOffset), row.Lag is { } l ? Number(l) : row.LagUnknown]);
            cells.AddRange([Number(row.Version), row.UpdatedAt is { } at ? RecordPrinter.Timestamp(at) : null]);
            table.Add([.. cells]);
        }

        return table;
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds log ends and lags for Kafka rows, and rows for partitions of those topics that have no checkpoint yet.</summary>
    private static List<OffsetRow> WithLag(ToolContext context, List<OffsetRow> rows)
    {
        var kafkaTopics = rows.Where(r => CheckpointTransport.IsKafka(r.Transport)).Select(r => r.Stream).Distinct().ToList();
        if (kafkaTopics.Count == 0) return [.. rows.Select(r => r with { LagUnknown = "n/a" })];

        var kafka = context.Kafka;
        using var admin = kafka.CreateAdminClient();
        using var reader = kafka.CreateReader();
        var result = rows.Where(r => !CheckpointTransport.IsKafka(r.Transport)).Select(r => r with { LagUnknown = "n/a" }).ToList();
        foreach (var topic in kafkaTopics)
        {
            var stored = rows.Where(r => CheckpointTransport.IsKafka(r.Transport) && r.Stream == topic).ToDictionary(r => r.Partition, StringComparer.Ordinal);
            IReadOnlyList<int> partitions;
            try
            {
                partitions = kafka.Partitions(admin, topic);
            }
            catch (CommandException ex) when (ex.ExitCode == ExitCodes.NotFound)
            {
                result.AddRange(stored.Values.Select(r => r with { LagUnknown = "no topic" }));
                continue;
            }

            foreach (var partition in partitions)
            {
                var name = partition.ToString(CultureInfo.InvariantCulture);
                var marks = kafka.Watermarks(reader, topic, partition);
                var row = stored.Remove(name, out var found)
                    ? found
                    : new OffsetRow(CheckpointTransport.Kafka, topic, name, null, null, null, null);
                result.Add(row with { LogEndOffset = marks.High.Value, Lag = marks.High.Value - (row.NextOffset ?? marks.Low.Value) });
            }

            // Checkpoints of partitions the topic no longer has.
            result.AddRange(stored.Values.Select(r => r with { LagUnknown = "no partition" }));
        }

        return [.. result
            .OrderBy(r => r.Transport, StringComparer.Ordinal)
            .ThenBy(r => r.Stream, StringComparer.Ordinal)
            .ThenBy(r => r.Partition.Length)
            .ThenBy(r => r.Partition, StringComparer.Ordinal)];
    }
}
