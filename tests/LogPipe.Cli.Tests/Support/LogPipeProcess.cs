using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// <c>dotnet logpipe.dll …</c> as a child process, as an operator or a script runs it. The test project references the
/// tool's project, so logpipe.dll and its runtimeconfig sit next to the test assembly. The child gets a clean environment
/// (no DOTNET_ENVIRONMENT, no LogPipe__ variables of the test run), its own working directory, and no input.
/// </summary>
public static class LogPipeProcess
{
    /// <summary>How long a command may take before the test fails; generous, since CI machines have 2 cores.</summary>
    public static TimeSpan Patience => ChildProcess.Patience;

    /// <summary>Starts the tool.</summary>
    /// <param name="workingDirectory">Its working directory (where ./appsettings.json is looked for).</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="arguments">The command line.</param>
    public static ChildProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ChildProcess.StartDotnet(
            "logpipe.dll",
            arguments,
            new ChildProcessOptions
            {
                Name = "logpipe",
                WorkingDirectory = workingDirectory,
                Environment = environment?.ToDictionary(e => e.Key, string? (e) => e.Value),
                RemoveEnvironment = IsTestRunSetting,

                // Nothing is ever typed: an interactive question reads end of input.
                CloseStandardInput = true,
            });

    /// <summary>A variable of the test run's environment that would configure the tool: the tool never sees it.</summary>
    public static bool IsTestRunSetting(string key) =>
        key.StartsWith("LogPipe__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || key is "DOTNET_ENVIRONMENT" or "ASPNETCORE_ENVIRONMENT";
}
