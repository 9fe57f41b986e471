using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Leases;
using LogPipe.Cli.Output;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Offsets;

/// <summary>
/// <c>logpipe offsets list</c>: the consumer group's stored checkpoints, with the lag behind each Kafka partition's end or,
/// for Kinesis, how far each shard's checkpoint is behind its newest record (<see cref="LogPipeOperations.ListCheckpointsAsync"/>).
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
        var rows = await context.Operations.ListCheckpointsAsync(group, context.Parse.GetValue(Lag), cancellationToken).ConfigureAwait(false);

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

    private static TextTable Table(IReadOnlyList<CheckpointStatus> rows, bool lag)
    {
        var sequences = rows.Any(r => r.SequenceNumber is not null);
        var kinesisLag = lag && rows.Any(r => CheckpointTransport.IsKinesis(r.Transport));
        var offsetLag = lag && rows.Any(r => !CheckpointTransport.IsKinesis(r.Transport));
        var leases = rows.Any(r => r.LeaseHolder is not null);
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

    private static string?[] LeaseCells(CheckpointStatus row) =>
        [row.LeaseHolder, Number(row.LeaseCounter), Number(row.LeaseEpoch), row.LeaseFinished == true ? "yes" : "no", row.LeaseLastRenewed is { } at ? RecordPrinter.Timestamp(at) : null];

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Behind(CheckpointStatus row) => row.MillisBehindLatest is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms} ms") : row.LagUnknown;

    private static string? Oldest(CheckpointStatus row) => row.OldestUnappliedAt is { } at ? RecordPrinter.Timestamp(at) : row.CaughtUp == true ? "none" : null;
}
