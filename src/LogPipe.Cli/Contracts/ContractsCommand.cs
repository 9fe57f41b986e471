using System.CommandLine;

namespace LogPipe.Cli.Contracts;

/// <summary><c>logpipe contracts</c>: export a service's message contracts and check its serializers against them.</summary>
internal static class ContractsCommand
{
    public static Command Create() => new("contracts", "Export a service's message contracts (types, versions, fields, JSON Schemas, sample records) and check its serializers against the committed file.")
    {
        ContractsExportCommand.Create(),
        ContractsCheckCommand.Create(),
    };
}
