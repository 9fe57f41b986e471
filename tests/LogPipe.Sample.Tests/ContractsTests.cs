using System.Text.Json.Nodes;
using LogPipe.Hosting;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Sample.Tests;

/// <summary>
/// The sample's committed message contracts (src/LogPipe.Sample/logpipe.contracts.json): checked against its serializers
/// on every build, and reproduced by <c>logpipe contracts export</c> run on the sample.
/// </summary>
public sealed class ContractsTests
{
    private static readonly string CommittedFile = Path.Combine(RepositoryBuild.Root, "src", "LogPipe.Sample", LogPipeContracts.DefaultFileName);

    // Building the sample with `dotnet run` on a busy 2-core machine takes a while.
    private static readonly TimeSpan BuildPatience = TimeSpan.FromMinutes(8);

    [Fact]
    public void The_sample_serializers_keep_the_published_contracts()
    {
        using var services = SampleServiceProvider.Create();

        // The one line a service's own test project needs:
        LogPipeContracts.Verify(services, CommittedFile);
    }

    [Fact]
    public async Task Contracts_export_of_the_sample_project_writes_the_committed_file_byte_for_byte()
    {
        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            var output = Path.Combine(directory.FullName, "exported.json");
            var result = await Logpipe(directory.FullName, BuildPatience, "contracts", "export", "--project", Path.Combine(RepositoryBuild.Root, "src", "LogPipe.Sample"), "--output", output);

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("Wrote the contracts of 2 message(s) (person v1, person v2)", result.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(await File.ReadAllBytesAsync(CommittedFile), await File.ReadAllBytesAsync(output));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Contracts_check_passes_on_the_committed_file_without_starting_the_service_or_touching_its_database()
    {
        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            var result = await Logpipe(directory.FullName, ChildProcess.Patience, "contracts", "check", "--assembly", SampleAssembly, "--file", CommittedFile);

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("The serializers match", result.StandardOutput, StringComparison.Ordinal);
            // The sample creates its SQLite database in the working directory right after building its host.
            Assert.Empty(Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Contracts_check_of_a_published_file_whose_field_the_serializers_renamed_fails_with_exit_code_1_naming_it()
    {
        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            // As if version 2 had been published with `family_name` where the serializer now has `last_name`.
            var published = JsonNode.Parse(await File.ReadAllTextAsync(CommittedFile))!;
            var schema = published["messages"]!.AsArray().Single(m => (int)m!["version"]! == 2)!["schema"]!;
            var properties = schema["properties"]!.AsObject();
            var lastName = properties["last_name"]!.DeepClone();
            properties.Remove("last_name");
            properties["family_name"] = lastName;
            var required = schema["required"]!.AsArray();
            required.Remove(required.Single(r => (string?)r == "last_name"));
            required.Add("family_name");
            var file = Path.Combine(directory.FullName, LogPipeContracts.DefaultFileName);
            await File.WriteAllTextAsync(file, published.ToJsonString());

            var result = await Logpipe(directory.FullName, ChildProcess.Patience, "contracts", "check", "--assembly", SampleAssembly, "--file", file);

            Assert.True(result.ExitCode == 1, result.Output);
            Assert.Contains("person v2 field 'family_name': was renamed to 'last_name'", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("1 breaking change(s)", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Contracts_check_without_a_contracts_file_ends_with_exit_code_4_saying_how_to_create_it()
    {
        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            var result = await Logpipe(directory.FullName, ChildProcess.Patience, "contracts", "check", "--assembly", SampleAssembly);

            Assert.True(result.ExitCode == 4, result.Output);
            Assert.Contains($"No contracts file at {Path.Combine(directory.FullName, LogPipeContracts.DefaultFileName)}; create it with 'logpipe contracts export'", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Contracts_export_of_a_program_that_builds_no_LogPipe_host_fails_with_exit_code_1_showing_its_output()
    {
        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            // The tool itself is such a program: run without a command it prints its usage and ends.
            var result = await Logpipe(directory.FullName, ChildProcess.Patience, "contracts", "export", "--assembly", Path.Combine(AppContext.BaseDirectory, "logpipe.dll"));

            Assert.True(result.ExitCode == 1, result.Output);
            Assert.Contains("logpipe: The service (assembly ", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("before writing its contracts", result.StandardError, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string SampleAssembly => Path.Combine(AppContext.BaseDirectory, "LogPipe.Sample.dll");

    private static Task<ChildProcessResult> Logpipe(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RepositoryBuild.RunAsync(ChildProcess.DotnetHost(), workingDirectory, timeout, [Path.Combine(AppContext.BaseDirectory, "logpipe.dll"), .. arguments]);
}
