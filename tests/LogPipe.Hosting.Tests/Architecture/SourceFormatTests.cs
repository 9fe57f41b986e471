using System.Text;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Architecture;

/// <summary>
/// The parts of .editorconfig the build does not check. The build fails on formatting inside a file (IDE0055, with
/// warnings as errors) and on every analyzer; these tests check, in milliseconds, what only <c>dotnet format</c> would
/// otherwise find: the order of using directives (<c>dotnet_sort_system_directives_first</c>), and each C# file's
/// charset (UTF-8 without a byte order mark), line ends (LF) and final newline.
/// </summary>
public sealed class SourceFormatTests
{
    [Fact]
    public void Using_directives_are_sorted_System_first_then_by_name_in_every_source_file()
    {
        var unsorted = SourceFiles()
            .Select(f => (File: f, Order: UsingOrderProblem(File.ReadAllLines(f))))
            .Where(f => f.Order is not null)
            .Select(f => $"{Relative(f.File)}: {f.Order}")
            .ToList();

        Assert.True(unsorted.Count == 0, "Using directives out of order (dotnet format style fixes them):\n" + string.Join("\n", unsorted));
    }

    [Fact]
    public void Every_source_file_is_UTF_8_without_a_byte_order_mark_with_LF_line_ends_and_a_final_newline()
    {
        var problems = new List<string>();
        foreach (var file in SourceFiles())
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) problems.Add($"{Relative(file)}: starts with a byte order mark");
            if (bytes.Contains((byte)'\r')) problems.Add($"{Relative(file)}: has CR line ends");
            if (bytes.Length > 0 && bytes[^1] != (byte)'\n') problems.Add($"{Relative(file)}: no newline at the end");
        }

        Assert.True(problems.Count == 0, "Files that break .editorconfig (dotnet format whitespace fixes them):\n" + string.Join("\n", problems));
    }

    [Theory]
    [InlineData("using System;|using LogPipe.Hosting;|using Microsoft.Extensions.Logging;", null)]
    [InlineData("using System.Text;|using System.Text.Json;|using Xunit.Abstractions;", null)]
    [InlineData("using LogPipe.Hosting;|using System;", "using System; comes after using LogPipe.Hosting;")]
    [InlineData("using Xunit.Abstractions;|using LogPipe.Hosting.TestSupport;", "using LogPipe.Hosting.TestSupport; comes after using Xunit.Abstractions;")]
    [InlineData("using System.Text.Json;|using System.Text;", "using System.Text; comes after using System.Text.Json;")]
    [InlineData("using static System.Math;|using LogPipe.Hosting;", "using LogPipe.Hosting; comes after using static System.Math;")]
    [InlineData("using System;|using Json = System.Text.Json;|using static System.Math;", "using static System.Math; comes after using Json = System.Text.Json;")]
    [InlineData("// A comment|using System;||using LogPipe.Hosting;|namespace X;|using Z;", null)]
    public void The_order_check_finds_a_misplaced_directive_and_accepts_a_sorted_list(string lines, string? problem) =>
        Assert.Equal(problem, UsingOrderProblem(lines.Split('|')));

    /// <summary>
    /// The first directive of the file's leading using block that is out of order, or null. The order is the one
    /// <c>dotnet format</c> writes: namespaces, then <c>using static</c>, then aliases; within each, System and its
    /// namespaces first, then by name, ignoring case.
    /// </summary>
    private static string? UsingOrderProblem(IEnumerable<string> lines)
    {
        var directives = lines
            .Select(l => l.Trim())
            .TakeWhile(l => l.Length == 0 || l.StartsWith("//", StringComparison.Ordinal) || l.StartsWith("using ", StringComparison.Ordinal) || l.StartsWith("global using ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("using ", StringComparison.Ordinal) || l.StartsWith("global using ", StringComparison.Ordinal))
            .ToList();
        for (var i = 1; i < directives.Count; i++)
        {
            if (Compare(directives[i - 1], directives[i]) > 0) return $"{directives[i]} comes after {directives[i - 1]}";
        }

        return null;
    }

    private static int Compare(string a, string b)
    {
        var (kindA, nameA) = Parse(a);
        var (kindB, nameB) = Parse(b);
        if (kindA != kindB) return kindA.CompareTo(kindB);
        var systemA = nameA == "System" || nameA.StartsWith("System.", StringComparison.Ordinal);
        var systemB = nameB == "System" || nameB.StartsWith("System.", StringComparison.Ordinal);
        if (systemA != systemB) return systemA ? -1 : 1;
        return string.Compare(nameA, nameB, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>0 for a global using, 1 for a namespace, 2 for <c>using static</c>, 3 for an alias; and the name that is sorted.</summary>
    private static (int Kind, string Name) Parse(string directive)
    {
        var global = directive.StartsWith("global ", StringComparison.Ordinal);
        var text = directive[(global ? "global using ".Length : "using ".Length)..].TrimEnd(';').Trim();
        if (global) return (0, text);
        if (text.StartsWith("static ", StringComparison.Ordinal)) return (2, text["static ".Length..]);
        return text.Contains('=', StringComparison.Ordinal) ? (3, text) : (1, text);
    }

    private static IEnumerable<string> SourceFiles()
    {
        var separator = Path.DirectorySeparatorChar;
        return new[] { "src", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryBuild.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal)
                        && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal)
                        && !f.Contains($"{separator}node_modules{separator}", StringComparison.Ordinal));
    }

    private static string Relative(string file) => Path.GetRelativePath(RepositoryBuild.Root, file);
}
