using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Leases;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.Offsets;

/// <summary>
/// <c>logpipe offsets list</c>: the consumer group's stored checkpoints, with the lag behind each Kafka partition's end or,
/// for Kinesis, how far each shard's checkpoint is behind its newest record.
/// </summary>
internal static class OffsetsListCommand
{
    private static readonly Option<bool> Lag = new("--lag")
    {
        Description = "Also ask Kafka for each partition's end and show the lag (log end - next offset); for Kinesis, read the first record after "
            + "each shard's checkpoint and show how far it is behind the shard's newest record and when the oldest unapplied record arrived.",
    };

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
        if (context.Parse.GetValue(Lag)) rows = await WithLagAsync(context, rows, cancellationToken).ConfigureAwait(false);

        if (rows.Exists(r => CheckpointTransport.IsKinesis(r.Transport))) rows = await WithLeasesAsync(context, group, rows, cancellationToken).ConfigureAwait(false);

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
        var kinesisLag = lag && rows.Exists(r => CheckpointTransport.IsKinesis(r.Transport));
        var offsetLag = lag && rows.Exists(r => !CheckpointTransport.IsKinesis(r.Transport));
        var leases = rows.Exists(r => r.LeaseHolder is not null);
        var headers = new List<string> { "TRANSPORT", "STREAM", "PARTITION>", "NEXT OFFSET>" };
        if (sequences) headers.Add("SEQUENCE NUMBER");
        if (offsetLag) headers.AddRange(["LOG END>", "LAG>"]);
        if (kinesisLag) headers.AddRange(["BEHIND LATEST>", "OLDEST UNAPPLIED"]);
        if (leases) headers.AddRange(LeasesCommand.Headers);
        headers.AddRange(["VERSION>", "UPDATED"]);
        var table = new TextTable([.. headers]);
        foreach (var row in rows)
        {
            var kinesis = CheckpointTransport.IsKinesis(row.Transport);
            var cells = new List<string?> { row.Transport, row.Stream, row.Partition, Number(row.NextOffset) };
            if (sequences) cells.Add(row.SequenceNumber);
            if (offsetLag) cells.AddRange(kinesis ? [null, null] : [Number(row.LogEndOffset), row.Lag is { } l ? Number(l) : row.LagUnknown]);
            if (kinesisLag) cells.AddRange(kinesis ? [Behind(row), Oldest(row)] : [null, null]);
            if (leases) cells.AddRange(row.LeaseHolder is null ? new string?[LeasesCommand.Headers.Length] : LeaseCells(row));
            cells.AddRange([Number(row.Version), row.UpdatedAt is { } at ? RecordPrinter.Timestamp(at) : null]);
            table.Add([.. cells]);
        }

        return table;
    }

    private static string?[] LeaseCells(OffsetRow row) =>
        [row.LeaseHolder, Number(row.LeaseCounter), Number(row.LeaseEpoch), row.LeaseFinished == true ? "yes" : "no", row.LeaseLastRenewed is { } at ? RecordPrinter.Timestamp(at) : null];

    /// <summary>
    /// Kinesis rows with their shard's lease (holder or free, counter, epoch, finished, last renewed); unchanged when the
    /// database has no lease table (a service older than shard leases) or the stream is not leased.
    /// </summary>
    private static async Task<List<OffsetRow>> WithLeasesAsync(ToolContext context, string group, List<OffsetRow> rows, CancellationToken cancellationToken)
    {
        var leases = await ShardLeaseTable.ListAsync(context.Database, group, null, cancellationToken).ConfigureAwait(false);
        if (leases is null || leases.Count == 0) return rows;
        var byShard = leases.ToDictionary(l => (l.Transport, l.Stream, l.Shard));
        return rows.ConvertAll(r => byShard.TryGetValue((r.Transport, r.Stream, r.Partition), out var lease)
            ? r with { LeaseHolder = lease.Holder, LeaseCounter = lease.Counter, LeaseEpoch = lease.Epoch, LeaseFinished = lease.Finished, LeaseLastRenewed = lease.LastRenewed }
            : r);
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Behind(OffsetRow row) => row.MillisBehindLatest is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms} ms") : row.LagUnknown;

    private static string? Oldest(OffsetRow row) => row.OldestUnappliedAt is { } at ? RecordPrinter.Timestamp(at) : row.CaughtUp == true ? "none" : null;

    /// <summary>
    /// Adds lags: for Kafka rows log ends and lags, for Kinesis rows how far behind each shard is; and rows for the
    /// partitions and shards of those topics and streams that have no checkpoint yet.
    /// </summary>
    private static async Task<List<OffsetRow>> WithLagAsync(ToolContext context, List<OffsetRow> rows, CancellationToken cancellationToken)
    {
        var result = rows.Where(r => !CheckpointTransport.IsKafka(r.Transport) && !CheckpointTransport.IsKinesis(r.Transport)).Select(r => r with { LagUnknown = "n/a" }).ToList();
        var kinesis = rows.Where(r => CheckpointTransport.IsKinesis(r.Transport)).ToList();
        if (kinesis.Count > 0) result.AddRange(await KinesisShardLag.AddAsync(context, kinesis, cancellationToken).ConfigureAwait(false));
        result.AddRange(WithKafkaLag(context, [.. rows.Where(r => CheckpointTransport.IsKafka(r.Transport))]));
        return [.. result
            .OrderBy(r => r.Transport, StringComparer.Ordinal)
            .ThenBy(r => r.Stream, StringComparer.Ordinal)
            .ThenBy(r => r.Partition.Length)
            .ThenBy(r => r.Partition, StringComparer.Ordinal)];
    }

    /// <summary>Kafka rows with log ends and lags, and rows for partitions of those topics that have no checkpoint yet.</summary>
    private static List<OffsetRow> WithKafkaLag(ToolContext context, List<OffsetRow> rows)
    {
        var kafkaTopics = rows.Select(r => r.Stream).Distinct().ToList();
        if (kafkaTopics.Count == 0) return [];

        var kafka = context.Kafka;
        using var admin = kafka.CreateAdminClient();
        using var reader = kafka.CreateReader();
        var result = new List<OffsetRow>();
        foreach (var topic in kafkaTopics)
        {
            var stored = rows.Where(r => r.Stream == topic).ToDictionary(r => r.Partition, StringComparer.Ordinal);
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

        return result;
    }
}
