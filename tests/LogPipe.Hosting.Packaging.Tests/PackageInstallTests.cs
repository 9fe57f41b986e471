using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>
/// The packages as users get them: every packable project packed into a temporary feed (<see cref="PackedPackages"/>),
/// and the libraries installed into a new application outside the repository, which runs a round trip on them.
/// </summary>
[Collection(PackedPackagesTests.Name)]
public sealed class PackageInstallTests(PackedPackages packed, ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Package")]
    public async Task Every_packable_project_packs_with_symbols_icon_readme_license_and_repository_and_the_set_installs_into_a_new_app_that_round_trips_a_record()
    {
        var stopwatch = Stopwatch.StartNew();
        Assert.Contains(packed.Projects, p => Path.GetFileName(p) == "LogPipe.Hosting.csproj");
        Assert.True(packed.Packages.Count == packed.Projects.Count, $"{packed.Projects.Count} packable projects, {packed.Packages.Count} packages:\n{string.Join('\n', packed.Packages)}\n{packed.PackOutput}");
        var libraries = new List<string>();
        foreach (var package in packed.Packages)
        {
            var (id, isTool) = CheckPackage(package, packed.Version);
            if (!isTool) libraries.Add(id);
        }

        var app = await WriteConsumerAppAsync(libraries);
        var run = await RepositoryBuild.DotnetAsync(app, PackedPackages.Patience, "run", "--project", Path.Combine(app, "PackageConsumer.csproj"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("applied greeting v1: hello from the packages", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("harness applied greeting v1: hello from django", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("LogPipe.Hosting.Testing", libraries);

        // Installed from the feed into the app's own package folder, not from a project or the machine's cache.
        Assert.All(libraries, id => Assert.True(packed.WasInstalledFromFeed(id), $"{id} {packed.Version} was not installed from the feed"));
        output.WriteLine($"packed {packed.Packages.Count} packages in {packed.PackTime.TotalSeconds:F0} s (once for the run), installed and ran in {stopwatch.Elapsed.TotalSeconds:F0} s: {string.Join(", ", packed.Packages.Select(Path.GetFileName))}");
    }

    /// <summary>Checks the metadata every package carries and its symbol package; returns its id and whether it is a dotnet tool.</summary>
    private static (string Id, bool IsTool) CheckPackage(string package, string version)
    {
        var name = Path.GetFileName(package);
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{name} has no symbol package (.snupkg)");
        using var zip = ZipFile.OpenRead(package);
        var metadata = PackedPackages.ReadMetadata(zip);
        string? Value(string element) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == element)?.Value;
        var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository");

        Assert.Equal(version, Value("version"));
        Assert.True(Value("license") == "Apache-2.0", $"{name}: license expression '{Value("license")}'");
        Assert.True(Value("icon") == "icon.png" && zip.GetEntry("icon.png") is { Length: > 0 }, $"{name}: no icon.png");
        Assert.True(Value("readme") == "README.md" && zip.GetEntry("README.md") is { Length: > 0 }, $"{name}: no README.md");
        Assert.False(string.IsNullOrWhiteSpace(Value("description")), $"{name}: no description");
        Assert.True(repository?.Attribute("url")?.Value.StartsWith("https://", StringComparison.Ordinal) == true, $"{name}: no repository URL");
        var isTool = metadata.Descendants().Any(e => e.Name.LocalName == "packageType" && e.Attribute("name")?.Value == "DotnetTool");
        return (Value("id")!, isTool);
    }

    /// <summary>A console app that references every library package (and Microsoft.Extensions.Hosting for its host).</summary>
    private async Task<string> WriteConsumerAppAsync(IReadOnlyList<string> libraries)
    {
        var app = await packed.CreateApplicationFolderAsync("app");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "PackageConsumer", "Program.cs"), Path.Combine(app, "Program.cs"));
        var references = libraries.Select(id => $"""    <PackageReference Include="{id}" Version="{packed.Version}" />""")
            .Append($"""    <PackageReference Include="Microsoft.Extensions.Hosting" Version="{packed.ThirdParty["Microsoft.Extensions.Hosting"]}" />""");
        await File.WriteAllTextAsync(Path.Combine(app, "PackageConsumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """);
        return app;
    }
}
