using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogPipe.Cli.Output;

namespace LogPipe.Cli.Outbox;

/// <summary><c>logpipe outbox stats</c>: backlog, oldest waiting entry, set-aside count, source id and relay lease.</summary>
internal static class OutboxStatsCommand
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of text." };

    public static Command Create()
    {
        var command = new Command("stats", "Show the outbox's backlog, the age of its oldest waiting entry, set-aside entries and which relay holds the lease.") { Json };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var stats = await context.Operations.OutboxStatisticsAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var age = stats.OldestCreatedAt is { } oldest ? now - oldest : (TimeSpan?)null;
        if (context.Parse.GetValue(Json))
        {
            var json = new
            {
                backlog = stats.Backlog,
                setAside = stats.SetAside,
                oldestCreatedAt = stats.OldestCreatedAt,
                oldestAgeSeconds = age?.TotalSeconds,
                sourceId = stats.SourceId,
                leaseOwner = stats.LeaseOwner,
                leaseExpiresAt = stats.LeaseExpiresAt,
            };
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(json, OutputJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var lines = new List<string>
        {
            Line("waiting", Number(stats.Backlog)),
            Line("oldest waiting", stats.OldestCreatedAt is { } at ? $"{RecordPrinter.Timestamp(at)} ({age!.Value.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s ago)" : "-"),
            Line("set aside", stats.SetAside == 0 ? "0" : $"{Number(stats.SetAside)} ('logpipe outbox list --set-aside' shows them)"),
            Line("source id", stats.SourceId ?? "- (no relay has run yet)"),
            Line("relay lease", stats.LeaseOwner is null ? "-" : LeaseText(stats.LeaseOwner, stats.LeaseExpiresAt!.Value, now)),
        };
        foreach (var line in lines) await context.Out.WriteLineAsync(line).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string LeaseText(string owner, DateTimeOffset expiresAt, DateTimeOffset now) =>
        expiresAt > now ? $"{owner}, until {RecordPrinter.Timestamp(expiresAt)}" : $"free (last held by {owner}, expired {RecordPrinter.Timestamp(expiresAt)})";

    private static string Line(string name, string value) => $"{name,-16}{value}";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
