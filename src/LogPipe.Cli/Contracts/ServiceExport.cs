using System.Diagnostics;

namespace LogPipe.Cli.Contracts;

/// <summary>
/// Reads a service's contracts by running the service itself with <c>LOGPIPE_CONTRACTS_EXPORT</c> set: its
/// <c>AddLogPipe</c> writes the contracts once the host is built and ends the process before anything starts, so no
/// broker or database is needed (the way <c>dotnet ef</c> reads a DbContext from a service).
/// </summary>
internal sealed class ServiceExport
{
    private const int ShownOutputLines = 30;
    private readonly string[] _arguments;

    private ServiceExport(string description, string directory, string[] arguments)
    {
        Description = description;
        Directory = directory;
        _arguments = arguments;
    }

    /// <summary>How messages name the service: its project or assembly.</summary>
    public string Description { get; }

    /// <summary>The project's directory (where the contracts file goes by default), or the current directory.</summary>
    public string Directory { get; }

    public static ServiceExport ForProject(string project, string directory) =>
        new($"project {project}", directory, ["run", "--project", project, "--no-launch-profile"]);

    public static ServiceExport ForAssembly(string assembly) =>
        new($"assembly {assembly}", Environment.CurrentDirectory, [assembly]);

    /// <summary>Runs the service and returns the contracts file's text it wrote.</summary>
    /// <exception cref="CommandException">The service failed, or ended without writing its contracts.</exception>
    public async Task<string> RunAsync(TextWriter? verbose, CancellationToken cancellationToken)
    {
        var target = Path.Combine(Path.GetTempPath(), $"logpipe-contracts-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in _arguments) start.ArgumentList.Add(argument);
        start.Environment[Hosting.ContractsExportHook.VariableName] = target;
        var output = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(output, e.Data, verbose);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data, verbose);
        try
        {
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0 || !File.Exists(target))
            {
                List<string> tail;
                lock (output) tail = [.. output.TakeLast(ShownOutputLines)];
                var why = process.ExitCode != 0
                    ? $"ended with exit code {process.ExitCode} before writing its contracts"
                    : "ended without writing its contracts: it did not build a host (HostApplicationBuilder or WebApplicationBuilder .Build()) after AddLogPipe";
                throw new CommandException(ExitCodes.Failed, $"The service ({Description}) {why}. Its last output:\n{string.Join('\n', tail)}");
            }

            return await File.ReadAllTextAsync(target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static void Collect(List<string> output, string? line, TextWriter? verbose)
    {
        if (line is null) return;
        lock (output)
        {
            output.Add(line);
            verbose?.WriteLine(line);
        }
    }

    /// <summary>The dotnet host: the one running this tool when it runs as <c>dotnet logpipe.dll</c>, else the SDK's, else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
