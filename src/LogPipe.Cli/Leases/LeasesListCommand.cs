using System.CommandLine;
using System.Text.Json;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.Leases;

/// <summary><c>logpipe leases list</c>: every stored shard lease, who holds it and when its holder last renewed it.</summary>
internal static class LeasesListCommand
{
    private static readonly Option<string?> Group = new("--group", "-g") { Description = "Only this consumer group's leases (default: every group's).", HelpName = "name" };

    private static readonly Option<string?> Stream = new("--stream", "-s") { Description = "Only this stream's leases.", HelpName = "name" };

    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of a table." };

    public static Command Create()
    {
        var command = new Command("list", "List the shard leases: holder (or free), counter, epoch, finished, when the holder last renewed, and which instance wants it handed over.") { Group, Stream, Json };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var group = context.Parse.GetValue(Group);
        var stream = context.Parse.GetValue(Stream);
        var leases = await context.Operations.ListLeasesAsync(group, stream, cancellationToken).ConfigureAwait(false);
        if (context.Parse.GetValue(Json))
        {
            var json = leases.Select(l => new
            {
                consumerGroup = l.ConsumerGroup,
                transport = l.Transport,
                stream = l.Stream,
                shard = l.Shard,
                owner = l.Owner,
                wantedBy = l.WantedBy,
                counter = l.Counter,
                epoch = l.Epoch,
                finished = l.Finished,
                lastRenewed = l.LastRenewed,
            });
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(new { leases = json }, OutputJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (leases.Count == 0)
        {
            var filter = string.Join(" and ", new[] { group is null ? null : $"consumer group '{group}'", stream is null ? null : $"stream '{stream}'" }.OfType<string>());
            await context.Out.WriteLineAsync($"No shard leases stored{(filter.Length == 0 ? "" : " for " + filter)} in {context.Operations.DatabaseDescription}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        // WANTED BY: the instance that asked the holder to hand the lease over ("-" when no one asked).
        var table = new TextTable(["GROUP", "TRANSPORT", "STREAM", "SHARD", .. LeasesCommand.Headers, "WANTED BY"]);
        foreach (var lease in leases) table.Add([lease.ConsumerGroup, lease.Transport, lease.Stream, lease.Shard, .. LeasesCommand.Cells(lease), lease.WantedBy]);
        table.Write(context.Out);
        await context.Out.WriteLineAsync(
            "A lease counts as expired once its counter has not moved for the lease duration (LogPipe:Kinesis:Leases:Duration) on the reader's clock; "
            + "LAST RENEWED is the holder's clock at its last change.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
