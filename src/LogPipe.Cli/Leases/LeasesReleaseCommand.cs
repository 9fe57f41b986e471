using System.CommandLine;
using System.Globalization;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Leases;

/// <summary>
/// <c>logpipe leases release</c>: frees shard leases (no owner, epoch moved on), so another instance takes them at once and
/// the old holder's next checkpoint write is fenced; <see cref="LogPipeOperations.ReleaseLeasesAsync"/> holds the rules
/// (without <c>--force</c>, a lease its holder renewed within the lease duration is refused).
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
        var owner = parse.GetValue(Owner);
        var request = new LeaseReleaseRequest(context.ConsumerGroup(Group), parse.GetRequiredValue(Stream))
        {
            Shard = parse.GetValue(Shard),
            Owner = owner,
            Force = parse.GetValue(Force),
        };
        var release = await context.Operations.ReleaseLeasesAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var lease in release.AlreadyFree)
        {
            await context.Out.WriteLineAsync($"Shard '{lease.Shard}' of stream '{lease.Stream}': already free{(lease.Finished ? " (finished)" : "")}.").ConfigureAwait(false);
        }

        foreach (var lease in release.HeldByOthers)
        {
            await context.Out.WriteLineAsync($"Shard '{lease.Shard}' of stream '{lease.Stream}': held by {lease.Owner}, not by '{owner}': left as it is.").ConfigureAwait(false);
        }

        foreach (var lease in release.Freed)
        {
            await context.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"Shard '{lease.Shard}' of stream '{lease.Stream}': freed (was held by {lease.Owner}, epoch {lease.Epoch} -> {lease.Epoch + 1}).")).ConfigureAwait(false);
        }

        foreach (var lease in release.Changed)
        {
            await context.Error.WriteLineAsync(
                $"Shard '{lease.Shard}' of stream '{lease.Stream}': its lease changed since it was read (renewed, taken or released by an instance): "
                + "it was left as it is. Look again with 'logpipe leases list' and retry.").ConfigureAwait(false);
        }

        return release.Changed.Count > 0 ? ExitCodes.Conflict : ExitCodes.Success;
    }
}
