using System.Text;

namespace LogPipe.Hosting;

/// <summary>The outcome of comparing a service's serializers with its published contracts file.</summary>
public sealed class ContractCheckResult
{
    internal ContractCheckResult(string file, IReadOnlyList<ContractDifference> differences)
    {
        File = file;
        Differences = differences;
        BreakingChanges = [.. differences.Where(d => d.IsBreaking)];
    }

    /// <summary>The contracts file compared with.</summary>
    public string File { get; }

    /// <summary>Every difference, breaking or not, published messages first.</summary>
    public IReadOnlyList<ContractDifference> Differences { get; }

    /// <summary>The differences that break a service written for the published contracts.</summary>
    public IReadOnlyList<ContractDifference> BreakingChanges { get; }

    /// <summary>Whether no difference is breaking.</summary>
    public bool IsCompatible => BreakingChanges.Count == 0;

    /// <summary>Whether the file still describes the serializers exactly (no difference at all).</summary>
    public bool IsUpToDate => Differences.Count == 0;

    /// <summary>A readable report: every breaking change, then the compatible ones, one a line.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (IsUpToDate) return $"The serializers match {File}.";
        if (!IsCompatible)
        {
            text.Append(BreakingChanges.Count).Append(" breaking change(s) to the message contracts published in ").Append(File).Append(':').Append('\n');
            foreach (var d in BreakingChanges) text.Append("  - ").Append(d).Append('\n');
            text.Append("A published (type, version) keeps its shape: register the new shape as a new version (Version = N + 1) and keep the old serializer while anyone sends or reads it.\n");
        }

        var compatible = Differences.Where(d => !d.IsBreaking).ToList();
        if (compatible.Count > 0)
        {
            text.Append(compatible.Count).Append(" compatible change(s) not yet in ").Append(File).Append(" (run `logpipe contracts export` to record them):").Append('\n');
            foreach (var d in compatible) text.Append("  - ").Append(d).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
