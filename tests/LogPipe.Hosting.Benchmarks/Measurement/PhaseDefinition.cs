namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>One row of the benchmark table.</summary>
/// <param name="Name">The name <c>--phases</c> selects it by, e.g. <c>consume-noop-sqlite</c>.</param>
/// <param name="Label">What the row measures, as printed.</param>
/// <param name="Baseline">The phase whose rate this one is divided by, or <see langword="null"/> for a baseline.</param>
public sealed record PhaseDefinition(string Name, string Label, string? Baseline)
{
    /// <summary>
    /// The most records the phase moves, whatever <c>--count</c> says (for phases bounded by time, such as one commit at a
    /// time or a set rate); <see langword="null"/> for no bound.
    /// </summary>
    public int? MaxRecords { get; init; }

    /// <summary>Whether the phase runs at a set rate: its records/s is its input, compared with nothing (not a baseline either).</summary>
    public bool Paced { get; init; }

    /// <summary>Whether this phase is a raw-client baseline.</summary>
    public bool IsBaseline => Baseline is null && !Paced;

    /// <summary>How many records the phase moves in a pass of <paramref name="count"/> records per phase.</summary>
    public int RecordsOf(int count) => MaxRecords is { } max ? Math.Min(count, max) : count;
}
