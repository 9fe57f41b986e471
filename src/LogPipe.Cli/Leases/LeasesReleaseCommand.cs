using System.CommandLine;
using System.Globalization;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.Leases;

/// <summary>
/// <c>logpipe leases release</c>: frees shard leases (no owner, epoch moved on), so another instance takes them at once and
/// the old holder's next checkpoint write is fenced. Refuses, without <c>--force</c>, a lease whose holder renewed it
/// within the lease duration: that holder is probably alive and reading.
/// </summary>
internal static class LeasesReleaseCommand
{
    private static readonly Option<string?> Group = new("--group", "-g") { Description = "The consumer group (default: LogPipe:ConsumerGroup).", HelpName = "name" };

    private static readonly Option<string> Stream = new("--stream", "-s") { Description = "The stream.", Required = true };

    private static readonly Option<string?> Shard = new("--shard") { Description = "The shard id to free.", HelpName = "id" };

    private static readonly Option<bool> All = new("--all") { Description = "Free every lease of the stream." };

    private static readonly Option<string?> Owner = new("--owner") { Description = "Only leases held by this instance (as 'leases list' shows it).", HelpName = "owner" };

    private static readonly Option<bool> Force = new("--force") { Description = "Free leases even though their holder renewed them within the lease duration." };

    public static Command Create()
    {
        var command = new Command("release", "Free shard leases so another instance takes them; the old holder's next checkpoint write is fenced.")
        {
            Group, Stream, Shard, All, Owner, Force,
        };
        command.Validators.Add(r =>
        {
            if ((r.GetResult(Shard) is { Implicit: false }) == r.GetValue(All)) r.AddError("Give exactly one of --shard and --all.");
        });
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var parse = context.Parse;
        var group = context.ConsumerGroup(Group);
        var stream = parse.GetRequiredValue(Stream);
        var shard = parse.GetValue(Shard);
        var owner = parse.GetValue(Owner);
        var duration = ShardLeaseTable.Duration(context.Configuration);
        var leases = (await ShardLeaseTable.ListAsync(context.Database, group, stream, cancellationToken).ConfigureAwait(false)
                ?? throw CommandException.NotFound($"There is no shard lease table (LogPipeShardLeases) in {context.Database.Description}."))
            .Where(l => shard is null || l.Shard == shard)
            .ToList();
        if (leases.Count == 0)
        {
            throw CommandException.NotFound(
                $"No lease of {(shard is null ? "any shard" : $"shard '{shard}'")} of stream '{stream}' for consumer group '{group}' in {context.Database.Description}.");
        }

        if (owner is not null && shard is not null && leases.TrueForAll(l => l.Owner != owner))
        {
            throw new CommandException(
                ExitCodes.Conflict, $"The lease of shard '{shard}' is held by {leases[0].Holder}, not by '{owner}': nothing was changed.");
        }

        var now = DateTimeOffset.UtcNow;
        var held = leases.Where(l => l.Owner is not null && (owner is null || l.Owner == owner)).ToList();
        var live = held.Where(l => now - l.LastRenewed < duration).ToList();
        if (live.Count > 0 && !parse.GetValue(Force))
        {
            var which = string.Join(", ", live.Select(l => string.Create(
                CultureInfo.InvariantCulture, $"'{l.Shard}' held by {l.Owner}, last renewed {RecordPrinter.Timestamp(l.LastRenewed)} ({(now - l.LastRenewed).TotalSeconds:0.#} s ago)")));
            throw CommandException.Refused(
                $"Refusing to free live leases: {which}: renewed within the lease duration ({ShardLeaseTable.DurationKey} = {duration}), judged by "
                + "the holder's last renewal time against this machine's clock, so the holder is probably still reading. Stop it first, or pass "
                + "--force (its next checkpoint write is then fenced and it gives the shard up). Nothing was changed.");
        }

        foreach (var lease in leases.Where(l => l.Owner is null))
        {
            await context.Out.WriteLineAsync($"Shard '{lease.Shard}' of stream '{lease.Stream}': already free{(lease.Finished ? " (finished)" : "")}.").ConfigureAwait(false);
        }

        foreach (var lease in leases.Where(l => l.Owner is not null && owner is not null && l.Owner != owner))
        {
            await context.Out.WriteLineAsync($"Shard '{lease.Shard}' of stream '{lease.Stream}': held by {lease.Owner}, not by '{owner}': left as it is.").ConfigureAwait(false);
        }

        var lost = 0;
        foreach (var lease in held)
        {
            var released = await context.Database.RunAsync(db => ShardLeaseTable.TryReleaseAsync(db, lease, now, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (released)
            {
                await context.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture, $"Shard '{lease.Shard}' of stream '{lease.Stream}': freed (was held by {lease.Owner}, epoch {lease.Epoch} -> {lease.Epoch + 1}).")).ConfigureAwait(false);
            }
            else
            {
                lost++;
                await context.Error.WriteLineAsync(
                    $"Shard '{lease.Shard}' of stream '{lease.Stream}': its lease changed since it was read (renewed, taken or released by an instance): "
                    + "it was left as it is. Look again with 'logpipe leases list' and retry.").ConfigureAwait(false);
            }
        }

        return lost > 0 ? ExitCodes.Conflict : ExitCodes.Success;
    }
}
