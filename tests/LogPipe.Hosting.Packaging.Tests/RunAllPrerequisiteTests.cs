using System.Runtime.Versioning;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>
/// tests/run-all.sh on a machine with only the .NET SDK: run with a PATH narrowed to a folder of our own (the shell, the
/// few tools the check uses, dotnet) so that Node.js is missing whatever this machine has. PostgreSQL is taken as given
/// (LOGPIPE_TEST_POSTGRES), so that only Node.js is missing. With --prerequisites the script stops after the check.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RunAllPrerequisiteTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private readonly string _bin = Directory.CreateTempSubdirectory("logpipe-path-").FullName;

    public RunAllPrerequisiteTests()
    {
        foreach (var tool in new[] { "bash", "dirname", "id", "env" }) File.CreateSymbolicLink(Path.Combine(_bin, tool), Which(tool));
        var dotnet = ChildProcess.DotnetHost();
        File.CreateSymbolicLink(Path.Combine(_bin, "dotnet"), Path.IsPathRooted(dotnet) ? dotnet : Which(dotnet));
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    [Fact]
    public async Task Without_node_run_all_names_Node_js_and_the_apt_command_that_installs_it_and_stops_before_building()
    {
        var result = await RunAllAsync("--prerequisites");

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains("run-all: missing prerequisite: Node.js (node), for kinesalite\n  install it with: sudo apt-get install -y nodejs npm", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("tests/run-all.sh --install (or LOGPIPE_INSTALL_PREREQUISITES=1)", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("building", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--install")]
    [InlineData("LOGPIPE_INSTALL_PREREQUISITES=1")]
    public async Task With_install_run_all_installs_the_missing_packages_with_apt_get_and_checks_again(string request)
    {
        // apt-get and sudo stand-ins: sudo -n runs the command (as passwordless sudo does); apt-get records its arguments
        // and "installs" node and npm into the narrowed PATH.
        var log = Path.Combine(_bin, "apt-get.log");
        var chmod = Which("chmod");
        WriteScript("sudo", """[ "$1" = -n ] && shift; exec "$@" """);
        WriteScript("apt-get", $"""
            echo "$*" >> '{log}'
            if [ "$1" = install ]; then
              for tool in node npm; do printf '#!/bin/sh\n' > '{_bin}/'$tool; '{chmod}' +x '{_bin}/'$tool; done
            fi
            """);

        var result = request.StartsWith("--", StringComparison.Ordinal)
            ? await RunAllAsync("--prerequisites", request)
            : await RunAllAsync(["--prerequisites"], request.Split('=')[1]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("run-all: installing nodejs npm with apt-get", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("run-all: prerequisites are installed", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(["update -qq", "install -y -qq --no-install-recommends nodejs npm"], File.ReadAllLines(log));
    }

    [Fact]
    public async Task Without_chromium_run_all_names_it_and_the_apt_command_that_installs_it()
    {
        var result = await RunAllAsync(["--prerequisites"], install: null, chromium: null);

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains("run-all: missing prerequisite: Chromium (chromium), for the dashboard's browser tests (or set LOGPIPE_CHROMIUM to a Chromium executable)\n  install it with: sudo apt-get install -y chromium", result.StandardError, StringComparison.Ordinal);
    }

    private Task<ChildProcessResult> RunAllAsync(params string[] arguments) => RunAllAsync(arguments, install: null);

    // LOGPIPE_CHROMIUM stands for an installed Chromium (as LOGPIPE_TEST_POSTGRES does for PostgreSQL) unless a test
    // asks for none.
    private Task<ChildProcessResult> RunAllAsync(string[] arguments, string? install, string? chromium = "chromium") =>
        ChildProcess.RunAsync(
            Path.Combine(_bin, "bash"),
            [Path.Combine(RepositoryBuild.Root, "tests", "run-all.sh"), .. arguments],
            Patience,
            new ChildProcessOptions
            {
                CloseStandardInput = true,
                RemoveEnvironment = key => key is "LOGPIPE_INSTALL_PREREQUISITES" or "LOGPIPE_CHROMIUM",
                Environment = new Dictionary<string, string?>
                {
                    ["PATH"] = _bin,
                    ["LOGPIPE_TEST_POSTGRES"] = "Host=127.0.0.1",
                    ["LOGPIPE_INSTALL_PREREQUISITES"] = install,
                    ["LOGPIPE_CHROMIUM"] = chromium,
                },
            });

    private void WriteScript(string name, string body)
    {
        var path = Path.Combine(_bin, name);
        File.WriteAllText(path, $"#!{Which("bash")}\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The full path of <paramref name="tool"/> on this process's PATH.</summary>
    private static string Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not on PATH");
}
