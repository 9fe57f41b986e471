using System.Diagnostics;
using System.Xml.Linq;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>
/// What a team adopting LogPipe does on day one: a new xunit test project that references the packed packages (no
/// project references) and tests its service with the harness. The project is written to the scratch folder — a csproj
/// and one test file (FreshTestProject/) — and run with <c>dotnet test</c>; its result file must report that one test ran
/// and passed.
/// </summary>
[Collection(PackedPackagesTests.Name)]
public sealed class FreshTestProjectTests(PackedPackages packed, ITestOutputHelper output)
{
    private static readonly string[] LogPipePackages = ["LogPipe.Hosting", "LogPipe.Hosting.Testing", "LogPipe.Hosting.EntityFrameworkCore"];

    private static readonly string[] TestPackages = ["Microsoft.EntityFrameworkCore.Sqlite", "Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio"];

    [Fact]
    [Trait("Category", "Package")]
    public async Task A_new_xunit_project_referencing_the_packed_testing_package_runs_a_harness_test_that_passes()
    {
        var stopwatch = Stopwatch.StartNew();
        var project = await WriteTestProjectAsync();
        var results = Path.Combine(project, "results");

        var run = await RepositoryBuild.DotnetAsync(project, PackedPackages.Patience,
            "test", Path.Combine(project, "Greetings.Tests.csproj"), "--logger", "trx;LogFileName=greetings.trx", "--results-directory", results);

        var trx = Path.Combine(results, "greetings.trx");
        Assert.True(File.Exists(trx), $"dotnet test wrote no result file (exit code {run.ExitCode}):\n{run.Output}");
        var outcomes = TestOutcomes(XElement.Load(trx));
        Assert.True(
            outcomes is [("A_sent_greeting_is_recorded_and_a_greeting_from_django_is_applied", "Passed")] && run.ExitCode == 0,
            $"expected the one harness test to pass, got [{string.Join(", ", outcomes)}] (exit code {run.ExitCode}):\n{run.Output}");
        Assert.All(LogPipePackages, id => Assert.True(packed.WasInstalledFromFeed(id), $"{id} {packed.Version} was not installed from the feed"));
        output.WriteLine($"restored, built and tested the new xunit project in {stopwatch.Elapsed.TotalSeconds:F0} s (packing, shared with the other package tests, took {packed.PackTime.TotalSeconds:F0} s)");
    }

    /// <summary>The (method name, outcome) of every test in a .trx file.</summary>
    private static List<(string Test, string Outcome)> TestOutcomes(XElement trx) =>
        trx.Descendants().Where(e => e.Name.LocalName == "UnitTestResult")
            .Select(e => (((string?)e.Attribute("testName") ?? "").Split('.')[^1], (string?)e.Attribute("outcome") ?? "(none)"))
            .ToList();

    /// <summary>A csproj of package references only (LogPipe's at the packed version, the rest at our own versions) and the test file.</summary>
    private async Task<string> WriteTestProjectAsync()
    {
        var project = await packed.CreateApplicationFolderAsync("fresh-tests");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "FreshTestProject", "GreetingHarnessTests.cs"), Path.Combine(project, "GreetingHarnessTests.cs"));
        var references = LogPipePackages.Select(id => (Id: id, Version: packed.Version))
            .Concat(TestPackages.Select(id => (Id: id, Version: packed.ThirdParty[id])))
            .Select(p => $"""    <PackageReference Include="{p.Id}" Version="{p.Version}" />""");
        await File.WriteAllTextAsync(Path.Combine(project, "Greetings.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <IsPackable>false</IsPackable>
                <IsTestProject>true</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """);
        return project;
    }
}
