using System.Globalization;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// How big a run is: the small default that CI runs, or <c>LOGPIPE_FAULTS_SCALE=full</c> for the figures published in
/// docs/reliability.md. Any single number can be set with <c>LOGPIPE_FAULTS_&lt;NAME&gt;</c> (for example
/// <c>LOGPIPE_FAULTS_CRASH_KILLS=50</c>); <c>LOGPIPE_FAULTS_SEED</c> repeats a run's random choices.
/// </summary>
public static class FaultScale
{
    private static readonly Lazy<int> DefaultSeed = new(() => Environment.GetEnvironmentVariable("LOGPIPE_FAULTS_SEED") is { Length: > 0 } s
        ? int.Parse(s, CultureInfo.InvariantCulture)
        : Random.Shared.Next());

    /// <summary>Whether this is the full run.</summary>
    public static bool IsFull => string.Equals(Environment.GetEnvironmentVariable("LOGPIPE_FAULTS_SCALE"), "full", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>ci</c> or <c>full</c>, for the figures.</summary>
    public static string Name => IsFull ? "full" : "ci";

    /// <summary>The seed of every random choice in this run (kill moments, churn order).</summary>
    public static int Seed => DefaultSeed.Value;

    /// <summary>The number called <paramref name="name"/>: its environment variable, else the value for this scale.</summary>
    public static int Number(string name, int ci, int full) =>
        Environment.GetEnvironmentVariable("LOGPIPE_FAULTS_" + name) is { Length: > 0 } value
            ? int.Parse(value, CultureInfo.InvariantCulture)
            : IsFull ? full : ci;

    /// <summary>The text setting called <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public static string Text(string name, string fallback) =>
        Environment.GetEnvironmentVariable("LOGPIPE_FAULTS_" + name) is { Length: > 0 } value ? value : fallback;
}
