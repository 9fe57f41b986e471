using System.Collections;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// Runs the tool inside the test process, through the entry point its process runs (<c>LogPipeCommandLine</c>), as
/// <c>dotnet logpipe.dll</c> would run in the workspace: with the workspace as working directory (where
/// ./appsettings.json and relative paths are looked for) and the environment <see cref="LogPipeProcess"/> gives a child
/// (the test run's, without the variables that would configure the tool, plus the workspace's). A process of its own
/// cost each command about 1.6 s of CPU, most of it compiling the tool's code again, and the project's tests took about
/// three minutes that way on two cores. The working directory and the environment belong to the whole process, so runs
/// take turns. Signals, exit codes of the process and the packaged tool are tested on real processes
/// (<see cref="CliWorkspace.Start"/>, <c>ToolPackageTests</c>).
/// </summary>
public static class InProcessTool
{
    private static readonly SemaphoreSlim Turn = new(1, 1);

    /// <summary>Runs the tool to its end.</summary>
    public static Task<ToolResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments) =>
        RunAsync(workingDirectory, environment, (output, error) => LogPipeCommandLine.RunAsync(LogPipeCommandLine.Build(), arguments, output, error, handleSignals: false));

    /// <summary>Runs <paramref name="tool"/> (a run of the tool, perhaps with commands of the test's own) to its end.</summary>
    public static async Task<ToolResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, Func<TextWriter, TextWriter, Task<int>> tool)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(tool);
        await Turn.WaitAsync();
        var restore = new Dictionary<string, string?>(StringComparer.Ordinal);
        var directory = Directory.GetCurrentDirectory();
        try
        {
            foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
            {
                var key = (string)variable.Key;
                if (!LogPipeProcess.IsTestRunSetting(key)) continue;
                restore[key] = (string?)variable.Value;
                Environment.SetEnvironmentVariable(key, null);
            }

            foreach (var (key, value) in environment)
            {
                restore.TryAdd(key, Environment.GetEnvironmentVariable(key));
                Environment.SetEnvironmentVariable(key, value);
            }

            Directory.SetCurrentDirectory(workingDirectory);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exitCode = await tool(output, error).WaitAsync(LogPipeProcess.Patience);
            return new ToolResult(exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(directory);
            foreach (var (key, value) in restore) Environment.SetEnvironmentVariable(key, value);
            Turn.Release();
        }
    }
}
