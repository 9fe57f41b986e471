using System.CommandLine;
using System.Text;
using LogPipe.Hosting;

namespace LogPipe.Cli.Contracts;

/// <summary><c>logpipe contracts export</c>: writes the service's <c>logpipe.contracts.json</c>, the file to commit.</summary>
internal static class ContractsExportCommand
{
    private static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = $"Where to write (default: {LogPipeContracts.DefaultFileName} in the project's directory, or the current directory with --assembly); '-' for stdout.",
        HelpName = "file",
    };

    public static Command Create()
    {
        var command = new Command("export", "Run the service just long enough to build its host, and write the message contracts of every registered serializer: no broker or database is touched.") { Output };
        ServiceOptions.AddTo(command);
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var service = ServiceOptions.Resolve(context.Parse);
        var contracts = await service.RunAsync(context.Verbose ? context.Error : null, cancellationToken).ConfigureAwait(false);
        var output = context.Parse.GetValue(Output);
        if (output == "-")
        {
            await context.Out.WriteAsync(contracts).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var path = Path.GetFullPath(output ?? Path.Combine(service.Directory, LogPipeContracts.DefaultFileName));
        await File.WriteAllTextAsync(path, contracts, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
        var messages = Hosting.Contracts.ContractDocument.Parse(contracts, path).Messages;
        await context.Out.WriteLineAsync($"Wrote the contracts of {messages.Count} message(s) ({string.Join(", ", messages.Select(m => m.Name))}) to {path}.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
