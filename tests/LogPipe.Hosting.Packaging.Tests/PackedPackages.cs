using System.Diagnostics;
using System.IO.Compression;
using System.Security;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>
/// Every packable project under src/ (found by scanning, so a new package is included without editing the tests), packed
/// once per test run into a temporary feed under a version no cache has seen; and applications outside the repository
/// that install from it — each with a nuget.config of its own listing the feed first, then the NuGet sources this
/// machine uses.
/// </summary>
public sealed partial class PackedPackages : IAsyncLifetime
{
    /// <summary>How long one nested dotnet command (pack, restore, build, run, test) may take.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private List<string> _sources = [];
    private string _machinePackages = "";

    /// <summary>The temporary folder holding the feed, the installed packages and the applications.</summary>
    public string Scratch { get; } = Directory.CreateTempSubdirectory("logpipe-packages-").FullName;

    /// <summary>The folder the packages were packed into: the first source of every application.</summary>
    public string Feed => Path.Combine(Scratch, "feed");

    /// <summary>The folder the applications install packages into, so a test can see what came from the feed.</summary>
    public string Installed => Path.Combine(Scratch, "installed");

    /// <summary>The version every package was packed under.</summary>
    public string Version { get; } = $"0.1.0-pack.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    /// <summary>The packable projects (src/*/*.csproj not marked IsPackable false).</summary>
    public IReadOnlyList<string> Projects { get; private set; } = [];

    /// <summary>The .nupkg files in the feed.</summary>
    public IReadOnlyList<string> Packages { get; private set; } = [];

    /// <summary>The output of <c>dotnet pack</c>, for failure messages.</summary>
    public string PackOutput { get; private set; } = "";

    /// <summary>How long packing took.</summary>
    public TimeSpan PackTime { get; private set; }

    /// <summary>The versions Directory.Packages.props gives the third-party packages.</summary>
    public CentralPackageVersions ThirdParty { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        Projects = Directory.GetFiles(Path.Combine(RepositoryBuild.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !NotPackable().IsMatch(File.ReadAllText(p)))
            .Order(StringComparer.Ordinal)
            .ToList();
        ThirdParty = await CentralPackageVersions.LoadAsync(Path.Combine(RepositoryBuild.Root, "Directory.Packages.props"), CancellationToken.None);

        // One solution of just the packable projects, packed from the build these tests run on (the test project
        // references every project under src/), so nothing the other tests run is rebuilt under them.
        var solution = Path.Combine(Scratch, "packages.slnx");
        await File.WriteAllTextAsync(solution, new XElement("Solution", Projects.Select(p => new XElement("Project", new XAttribute("Path", p)))).ToString());
        var pack = await RepositoryBuild.DotnetAsync(RepositoryBuild.Root, Patience,
            "pack", solution, "-c", RepositoryBuild.Configuration, "--no-build", "--no-restore", $"-p:PackageVersion={Version}", "-o", Feed);
        PackOutput = pack.Output;
        if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack failed ({pack.ExitCode}):\n{pack.Output}");
        Packages = Directory.GetFiles(Feed, "*.nupkg").Order(StringComparer.Ordinal).ToList();

        _sources = (await RepositoryBuild.DotnetAsync(Scratch, Patience, "nuget", "list", "source", "--format", "short")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .ToList();
        var machinePackages = (await RepositoryBuild.DotnetAsync(Scratch, Patience, "nuget", "locals", "global-packages", "--list")).StandardOutput.Trim();
        _machinePackages = machinePackages[(machinePackages.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        if (!Directory.Exists(_machinePackages)) throw new InvalidOperationException($"The machine's global packages folder '{_machinePackages}' does not exist.");
        PackTime = stopwatch.Elapsed;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Scratch, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A new folder in the scratch folder (outside the repository, so none of its build settings apply) with a
    /// nuget.config of its own: the feed first, then the sources this machine uses; the machine's package folder as a
    /// read-only fallback, so restoring the dependencies needs no download.
    /// </summary>
    public async Task<string> CreateApplicationFolderAsync(string name)
    {
        var app = Directory.CreateDirectory(Path.Combine(Scratch, name)).FullName;
        static string Attr(string value) => SecurityElement.Escape(value);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Attr(Installed)}" />
              </config>
              <packageSources>
                <clear />
                <add key="packed" value="{Attr(Feed)}" />
            {string.Join('\n', _sources.Select((s, i) => $"""    <add key="machine{i}" value="{Attr(s)}" />"""))}
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{Attr(_machinePackages)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        return app;
    }

    /// <summary>Whether <paramref name="packageId"/> at the packed version was installed from the feed into <see cref="Installed"/>.</summary>
    public bool WasInstalledFromFeed(string packageId) => Directory.Exists(Path.Combine(Installed, packageId.ToLowerInvariant(), Version));

    /// <summary>The metadata element of the nuspec inside a package.</summary>
    public static XElement ReadMetadata(ZipArchive zip)
    {
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        return XElement.Load(stream).Elements().Single(e => e.Name.LocalName == "metadata");
    }

    [GeneratedRegex(@"<IsPackable>\s*false\s*</IsPackable>", RegexOptions.IgnoreCase)]
    private static partial Regex NotPackable();
}
