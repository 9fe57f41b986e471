using System.CommandLine;
using System.Runtime.InteropServices;
using LogPipe.Cli.Broker;
using LogPipe.Cli.Contracts;
using LogPipe.Cli.DeadLetters;
using LogPipe.Cli.Leases;
using LogPipe.Cli.Offsets;
using LogPipe.Cli.Outbox;
using LogPipe.Cli.Output;
using LogPipe.Cli.Tail;

namespace LogPipe.Cli;

/// <summary>The <c>logpipe</c> command tree, and how a command line becomes an exit code.</summary>
internal static class LogPipeCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "Operate services built on LogPipe.Hosting: offsets, dead letters, the outbox, readable topic tails, the development Kafka broker and message contracts. " +
            "Reads the service's appsettings.json and environment like the service does.")
        {
            OffsetsCommand.Create(),
            LeasesCommand.Create(),
            TailCommand.Create(),
            DeadLettersCommand.Create(),
            OutboxCommand.Create(),
            BrokerCommand.Create(),
            ContractsCommand.Create(),
        };
        GlobalOptions.AddTo(root);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; a usage error prints what is wrong and returns 2.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(Build(), args, output, error);

    /// <summary>
    /// Runs <paramref name="args"/> against <paramref name="root"/>: <see cref="Build"/>'s tree, or one with more commands.
    /// <paramref name="handleSignals"/> is <see langword="false"/> inside a program that is not the tool's own process (its
    /// tests), which keeps SIGINT and SIGTERM for itself.
    /// </summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter output, TextWriter error, bool handleSignals = true)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        // Everything printed passes here, escaping the control characters a record or a message could carry.
        output = new TerminalSafeWriter(output);
        error = new TerminalSafeWriter(error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors) await error.WriteLineAsync("logpipe: " + problem.Message).ConfigureAwait(false);
            await error.WriteLineAsync($"Run 'logpipe {string.Join(' ', CommandPath(parse))} --help' for usage.".Replace("  ", " ", StringComparison.Ordinal))
                .ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Ctrl+C and SIGTERM cancel the command, which then ends normally (tail and broker with 0); a second signal ends the
        // process at once. Registered here, before any command runs, so that a signal is never lost to the default action
        // while a command starts (System.CommandLine's own handling let an early SIGINT kill the process).
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested) return;
            context.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = handleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal) : null;
        using var terminate = handleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal) : null;
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation, stop.Token).ConfigureAwait(false);
    }

    private static Stack<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Push(result.Command.Name);
        }

        return names;
    }
}
