using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests;

/// <summary>
/// The tool as users get it: <c>dotnet pack</c>, then <c>dotnet tool install --tool-path … --add-source …</c>, then the
/// installed <c>logpipe</c> command. Packs the build the tests run on (no second build), under a version no cache has seen.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan PackPatience = TimeSpan.FromMinutes(5);
    private readonly string _scratch = Directory.CreateTempSubdirectory("logpipe-pack-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    [Trait("Category", "Package")]
    public async Task The_packed_tool_installs_with_dotnet_tool_install_and_runs_as_logpipe()
    {
        var (repository, configuration) = (RepositoryBuild.Root, RepositoryBuild.Configuration);
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var packages = Path.Combine(_scratch, "packages");
        var tools = Path.Combine(_scratch, "tools");

        var pack = await DotnetAsync(repository, "pack", Path.Combine(repository, "src", "LogPipe.Cli", "LogPipe.Cli.csproj"),
            "-c", configuration, "--no-build", "--no-restore", $"-p:PackageVersion={version}", "-o", packages);
        Assert.True(pack.ExitCode == 0, pack.Output);
        var install = await DotnetAsync(_scratch, "tool", "install", "--tool-path", tools, "--add-source", packages, "--version", version, "LogPipe.Cli");
        Assert.True(install.ExitCode == 0, install.Output);

        var help = await RunAsync(Path.Combine(tools, "logpipe"), _scratch, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("Usage:\n  logpipe [command] [options]", help.Output, StringComparison.Ordinal);

        // A command that loads EF Core and the SQLite native library from the installed package.
        using var workspace = CliWorkspace.Create();
        await workspace.AddCheckpointAsync("people", "0", 42);
        var list = await RunAsync(Path.Combine(tools, "logpipe"), workspace.Directory, "offsets", "list");
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Matches(@"kafka\s+people\s+0\s+42", list.Output);
    }

    private static Task<ChildProcessResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        RepositoryBuild.DotnetAsync(workingDirectory, PackPatience, arguments);

    private static Task<ChildProcessResult> RunAsync(string program, string workingDirectory, params string[] arguments) =>
        RepositoryBuild.RunAsync(program, workingDirectory, PackPatience, arguments);
}
