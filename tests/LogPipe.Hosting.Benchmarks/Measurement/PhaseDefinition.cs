namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>One row of the benchmark table.</summary>
/// <param name="Name">The name <c>--phases</c> selects it by, e.g. <c>consume-noop-sqlite</c>.</param>
/// <param name="Label">What the row measures, as printed.</param>
/// <param name="Baseline">The phase whose rate this one is divided by, or <see langword="null"/> for a baseline.</param>
public sealed record PhaseDefinition(string Name, string Label, string? Baseline)
{
    /// <summary>Whether this phase is a raw-client baseline.</summary>
    public bool IsBaseline => Baseline is null;
}
