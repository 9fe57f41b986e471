using System.CommandLine;

namespace LogPipe.Cli.Outbox;

/// <summary><c>logpipe outbox</c>: the transactional outbox's entries waiting for the relay, and those set aside.</summary>
internal static class OutboxCommand
{
    public static Command Create() => new("outbox", "Show the transactional outbox: its backlog, relay lease and the entries set aside.")
    {
        OutboxListCommand.Create(),
        OutboxStatsCommand.Create(),
    };
}
