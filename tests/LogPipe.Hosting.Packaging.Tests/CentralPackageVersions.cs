using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>
/// The package versions the repository builds with (Directory.Packages.props, its <c>$(Property)</c> references
/// resolved), so an application outside the repository references exactly what our own projects use.
/// </summary>
public sealed partial class CentralPackageVersions
{
    private readonly Dictionary<string, string> _versions;

    private CentralPackageVersions(Dictionary<string, string> versions) => _versions = versions;

    /// <summary>The version Directory.Packages.props gives <paramref name="packageId"/>; throws naming it when there is none.</summary>
    public string this[string packageId] =>
        _versions.TryGetValue(packageId, out var version)
            ? version
            : throw new KeyNotFoundException($"Directory.Packages.props has no PackageVersion for {packageId}.");

    public static async Task<CentralPackageVersions> LoadAsync(string path, CancellationToken cancellationToken)
    {
        XElement props;
        await using (var stream = File.OpenRead(path)) props = await XElement.LoadAsync(stream, LoadOptions.None, cancellationToken);
        var properties = props.Elements("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim(), StringComparer.OrdinalIgnoreCase);
        string Resolve(string value) => PropertyReference().Replace(value, m =>
            properties.TryGetValue(m.Groups[1].Value, out var resolved)
                ? resolved
                : throw new InvalidOperationException($"{path}: '{value}' uses the undefined property {m.Groups[1].Value}."));
        var versions = props.Elements("ItemGroup").Elements("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => Resolve((string)e.Attribute("Version")!), StringComparer.OrdinalIgnoreCase);
        return new CentralPackageVersions(versions);
    }

    [GeneratedRegex(@"\$\(([^)]+)\)")]
    private static partial Regex PropertyReference();
}
