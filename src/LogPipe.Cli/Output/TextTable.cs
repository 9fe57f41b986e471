namespace LogPipe.Cli.Output;

/// <summary>Rows printed as aligned columns under a header; numbers right-aligned, so a column of offsets reads at a glance.</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table; a header ending in <c>&gt;</c> marks a right-aligned column (the mark is not printed).</summary>
    public TextTable(params string[] headers)
    {
        _rightAligned = [.. headers.Select(h => h.EndsWith('>'))];
        _headers = [.. headers.Select(h => h.TrimEnd('>'))];
    }

    public int Count => _rows.Count;

    public void Add(params string?[] cells)
    {
        if (cells.Length != _headers.Length) throw new ArgumentException($"Expected {_headers.Length} cells.", nameof(cells));
        // Escaped here, not only on the way out, so that columns line up with what is printed.
        _rows.Add([.. cells.Select(c => c is null ? "-" : TerminalText.Escape(c))]);
    }

    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var widths = _headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        WriteRow(output, _headers, widths);
        foreach (var row in _rows) WriteRow(output, row, widths);
    }

    private void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var parts = cells.Select((c, i) => _rightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]));
        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}
