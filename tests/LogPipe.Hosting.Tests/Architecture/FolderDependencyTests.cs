using System.Text.RegularExpressions;

namespace LogPipe.Hosting.Tests.Architecture;

/// <summary>
/// Keeps the folders of <c>src/LogPipe.Hosting</c> layered (docs/architecture.md): a folder may use the types of the
/// folders below it, never the other way round. The check reads the sources: it collects the types each folder declares
/// and the type names each file mentions, so a new cycle fails here with the names that make it.
/// </summary>
public sealed partial class FolderDependencyTests
{
    /// <summary>The layers from the bottom up; a folder may only use folders of its own or a lower layer.</summary>
    private static readonly string[][] Layers =
    [
        [".", "Internal"],
        ["Options"],
        ["Serializers"],
        ["Registration", "Formats", "Checkpoints"],
        ["Transport", "Contracts"],
        ["Diagnostics"],
        ["Producers", "Consumers"],
        ["InMemory"],
        ["Setup"],
    ];

    [Fact]
    public void No_two_folders_of_the_core_package_use_each_other()
    {
        var edges = FolderEdges();
        var cycles = edges.Keys
            .Where(e => string.CompareOrdinal(e.From, e.To) < 0 && edges.ContainsKey((e.To, e.From)))
            .Select(e => $"{e.From} uses {e.To} ({string.Join(", ", edges[e])}) and {e.To} uses {e.From} ({string.Join(", ", edges[(e.To, e.From)])})")
            .ToList();

        Assert.True(cycles.Count == 0, "Folders that use each other:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Every_folder_uses_only_the_layers_below_it()
    {
        var layerOf = Layers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(x => x.f, x => x.layer);
        var edges = FolderEdges();
        var unknown = edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().Where(f => !layerOf.ContainsKey(f)).ToList();
        Assert.True(unknown.Count == 0, $"Folders not placed in a layer of {nameof(Layers)} (and docs/architecture.md): {string.Join(", ", unknown)}");

        var upward = edges
            .Where(e => layerOf[e.Key.To] > layerOf[e.Key.From])
            .Select(e => $"{e.Key.From} uses {e.Key.To}, a higher layer: {string.Join(", ", e.Value)}")
            .ToList();
        Assert.True(upward.Count == 0, string.Join("\n", upward));
    }

    [Fact]
    public void The_check_sees_a_dependency_that_exists()
    {
        // Guards the two tests above against passing on nothing: the consumer runner uses the checkpoint store.
        var edges = FolderEdges();

        Assert.Contains("ICheckpointStore", edges[("Consumers", "Checkpoints")]);
    }

    private static Dictionary<(string From, string To), SortedSet<string>> FolderEdges()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "LogPipe.Hosting");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Folder: FolderOf(source, f), Text: WithoutComments(File.ReadAllText(f))))
            .ToList();

        var declaredIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (folder, text) in files)
        {
            foreach (Match m in Declaration().Matches(text)) declaredIn.TryAdd(m.Groups[1].Value, folder);
        }

        var edges = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var (folder, text) in files)
        {
            foreach (var name in Identifier().Matches(text).Select(m => m.Value).Distinct())
            {
                if (!declaredIn.TryGetValue(name, out var other) || other == folder) continue;
                if (!edges.TryGetValue((folder, other), out var names)) edges[(folder, other)] = names = new SortedSet<string>(StringComparer.Ordinal);
                names.Add(name);
            }
        }

        return edges;
    }

    private static string FolderOf(string source, string file)
    {
        var relative = Path.GetRelativePath(source, Path.GetDirectoryName(file)!);
        return relative.Split(Path.DirectorySeparatorChar)[0];
    }

    private static string WithoutComments(string text) => LineComment().Replace(text, string.Empty);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LogPipe.Hosting.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException($"No LogPipe.Hosting.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\b(?:class|interface|struct|enum|record(?:\s+struct|\s+class)?)\s+([A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();
}
