namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// The source tree and build these tests run from, and a nested <c>dotnet</c> (pack, tool install, restore, run) that
/// works in it: tests that pack the repository's projects and install the packages as users do.
/// </summary>
public static class RepositoryBuild
{
    /// <summary>The repository root: the folder above the test assembly that holds LogPipe.Hosting.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration (Debug/Release) the test assembly was built in: bin/&lt;configuration&gt;/&lt;framework&gt;/.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>Runs <c>dotnet arguments…</c> in <paramref name="workingDirectory"/> to completion.</summary>
    public static Task<ChildProcessResult> DotnetAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(ChildProcess.DotnetHost(), workingDirectory, timeout, arguments);

    /// <summary>Runs <paramref name="program"/> in <paramref name="workingDirectory"/> to completion, without the test host's MSBuild settings.</summary>
    public static Task<ChildProcessResult> RunAsync(string program, string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        ChildProcess.RunAsync(
            program,
            arguments,
            timeout,
            new ChildProcessOptions
            {
                WorkingDirectory = workingDirectory,
                CloseStandardInput = true,

                // The test host's MSBuild settings must not leak into a nested dotnet pack or build.
                RemoveEnvironment = key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key == "VSTEST_HOST_DEBUG",
            });

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LogPipe.Hosting.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException($"No LogPipe.Hosting.sln above {AppContext.BaseDirectory}.");
    }
}
