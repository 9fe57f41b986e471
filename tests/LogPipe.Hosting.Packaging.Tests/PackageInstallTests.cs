using System.Diagnostics;
using System.IO.Compression;
using System.Security;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>
/// The packages as users get them: every packable project under src/ (found by scanning, so a new package is included
/// without editing this test) is packed into a temporary feed under a version no cache has seen, and the libraries are
/// installed into a new application outside the repository — its own nuget.config lists the feed first, then the NuGet
/// sources this machine uses — which runs a round trip on them.
/// </summary>
public sealed partial class PackageInstallTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly string _scratch = Directory.CreateTempSubdirectory("logpipe-packages-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    [Trait("Category", "Package")]
    public async Task Every_packable_project_packs_with_symbols_icon_readme_license_and_repository_and_the_set_installs_into_a_new_app_that_round_trips_a_record()
    {
        var stopwatch = Stopwatch.StartNew();
        var version = $"0.1.0-pack.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var feed = Path.Combine(_scratch, "feed");
        var projects = PackableProjects();
        Assert.Contains(projects, p => Path.GetFileName(p) == "LogPipe.Hosting.csproj");

        // One solution of just the packable projects, packed from the build these tests run on (the test project
        // references every project under src/), so nothing the other tests run is rebuilt under them.
        var solution = Path.Combine(_scratch, "packages.slnx");
        await File.WriteAllTextAsync(solution, new XElement("Solution", projects.Select(p => new XElement("Project", new XAttribute("Path", p)))).ToString());
        var pack = await RepositoryBuild.DotnetAsync(RepositoryBuild.Root, Patience,
            "pack", solution, "-c", RepositoryBuild.Configuration, "--no-build", "--no-restore", $"-p:PackageVersion={version}", "-o", feed);
        Assert.True(pack.ExitCode == 0, pack.Output);
        var packed = TimeSpan.FromTicks(stopwatch.Elapsed.Ticks);

        var packages = Directory.GetFiles(feed, "*.nupkg").Order(StringComparer.Ordinal).ToList();
        Assert.True(packages.Count == projects.Count, $"{projects.Count} packable projects, {packages.Count} packages:\n{string.Join('\n', packages)}\n{pack.Output}");
        var libraries = new List<string>();
        foreach (var package in packages)
        {
            var (id, isTool) = CheckPackage(package, version);
            if (!isTool) libraries.Add(id);
        }

        var app = await WriteConsumerAppAsync(feed, libraries, version);
        var run = await RepositoryBuild.DotnetAsync(app, Patience, "run", "--project", Path.Combine(app, "PackageConsumer.csproj"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("applied greeting v1: hello from the packages", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("harness applied greeting v1: hello from django", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("LogPipe.Hosting.Testing", libraries);

        // Installed from the feed into the app's own package folder, not from a project or the machine's cache.
        Assert.All(libraries, id => Assert.True(Directory.Exists(Path.Combine(_scratch, "installed", id.ToLowerInvariant(), version)), $"{id} {version} was not installed from the feed"));
        output.WriteLine($"packed {packages.Count} packages in {packed.TotalSeconds:F0} s, installed and ran in {(stopwatch.Elapsed - packed).TotalSeconds:F0} s: {string.Join(", ", packages.Select(Path.GetFileName))}");
    }

    /// <summary>src/*/*.csproj except those that say they are not packable (the sample, the development broker).</summary>
    private static List<string> PackableProjects() =>
        Directory.GetFiles(Path.Combine(RepositoryBuild.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !NotPackable().IsMatch(File.ReadAllText(p)))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Checks the metadata every package carries and its symbol package; returns its id and whether it is a dotnet tool.</summary>
    private static (string Id, bool IsTool) CheckPackage(string package, string version)
    {
        var name = Path.GetFileName(package);
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{name} has no symbol package (.snupkg)");
        using var zip = ZipFile.OpenRead(package);
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        XElement nuspec;
        using (var stream = nuspecEntry.Open()) nuspec = XElement.Load(stream);
        var metadata = nuspec.Elements().Single(e => e.Name.LocalName == "metadata");
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

    /// <summary>
    /// A console app in the scratch folder (outside the repository, so none of its build settings apply) that references
    /// every library package, with a nuget.config of its own: the feed first, then the sources this machine uses; the
    /// machine's package folder as a read-only fallback, so restoring the dependencies needs no download.
    /// </summary>
    private async Task<string> WriteConsumerAppAsync(string feed, IReadOnlyList<string> libraries, string version)
    {
        var app = Directory.CreateDirectory(Path.Combine(_scratch, "app")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "PackageConsumer", "Program.cs"), Path.Combine(app, "Program.cs"));
        var hostingVersion = ExtensionsVersion().Match(await File.ReadAllTextAsync(Path.Combine(RepositoryBuild.Root, "Directory.Packages.props"))).Groups[1].Value;
        var references = libraries.Select(id => $"""    <PackageReference Include="{id}" Version="{version}" />""")
            .Append($"""    <PackageReference Include="Microsoft.Extensions.Hosting" Version="{hostingVersion}" />""");
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

        var sources = (await RepositoryBuild.DotnetAsync(app, Patience, "nuget", "list", "source", "--format", "short")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .ToList();
        var machinePackages = (await RepositoryBuild.DotnetAsync(app, Patience, "nuget", "locals", "global-packages", "--list")).StandardOutput.Trim();
        machinePackages = machinePackages[(machinePackages.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        Assert.True(Directory.Exists(machinePackages), $"the machine's global packages folder '{machinePackages}' does not exist");
        static string Attr(string value) => SecurityElement.Escape(value);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Attr(Path.Combine(_scratch, "installed"))}" />
              </config>
              <packageSources>
                <clear />
                <add key="packed" value="{Attr(feed)}" />
            {string.Join('\n', sources.Select((s, i) => $"""    <add key="machine{i}" value="{Attr(s)}" />"""))}
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{Attr(machinePackages)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        return app;
    }

    [GeneratedRegex(@"<IsPackable>\s*false\s*</IsPackable>", RegexOptions.IgnoreCase)]
    private static partial Regex NotPackable();

    [GeneratedRegex(@"<MicrosoftExtensionsVersion>([^<]+)</MicrosoftExtensionsVersion>")]
    private static partial Regex ExtensionsVersion();
}
