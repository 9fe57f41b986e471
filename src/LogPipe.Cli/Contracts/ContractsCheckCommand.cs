using System.CommandLine;
using LogPipe.Hosting;
using LogPipe.Hosting.Contracts;

namespace LogPipe.Cli.Contracts;

/// <summary>
/// <c>logpipe contracts check</c>: compares the service's serializers with the committed contracts file; exit code 1
/// and every breaking change named by type, version and field when a published contract is broken.
/// </summary>
internal static class ContractsCheckCommand
{
    private static readonly Option<string?> File = new("--file", "-f")
    {
        Description = $"The committed contracts file (default: {LogPipeContracts.DefaultFileName} in the project's directory, or the current directory with --assembly).",
        HelpName = "file",
    };

    public static Command Create()
    {
        var command = new Command("check", "Compare the service's serializers with its committed contracts file; exit code 1 on a breaking change (field removed, renamed or retyped, nullability tightened, key field changed, published version gone).") { File };
        ServiceOptions.AddTo(command);
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var service = ServiceOptions.Resolve(context.Parse);
        var path = Path.GetFullPath(context.Parse.GetValue(File) ?? Path.Combine(service.Directory, LogPipeContracts.DefaultFileName));
        if (!System.IO.File.Exists(path))
        {
            throw CommandException.NotFound($"No contracts file at {path}; create it with 'logpipe contracts export' and commit it.");
        }

        var published = await System.IO.File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var exported = await service.RunAsync(context.Verbose ? context.Error : null, cancellationToken).ConfigureAwait(false);
        ContractCheckResult result;
        try
        {
            result = LogPipeContracts.Compare(published, path, ContractDocument.Parse(exported, service.Description));
        }
        catch (FormatException ex)
        {
            throw CommandException.Usage(ex.Message);
        }

        if (!result.IsCompatible) throw new CommandException(ExitCodes.Failed, result.ToString());
        await context.Out.WriteLineAsync(result.ToString()).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
