using System.Globalization;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// How many inputs a fuzz property runs: the CI count, or with <c>LOGPIPE_FUZZ_SCALE=campaign</c> that count times
/// <c>LOGPIPE_FUZZ_FACTOR</c> (default 50), the long campaign published in docs/reliability.md.
/// <c>LOGPIPE_FUZZ_SEED</c> repeats a run (CsCheck prints the seed of every failure).
/// </summary>
internal static class FuzzScale
{
    public static bool IsCampaign => string.Equals(Environment.GetEnvironmentVariable("LOGPIPE_FUZZ_SCALE"), "campaign", StringComparison.OrdinalIgnoreCase);

    public static string? Seed => Environment.GetEnvironmentVariable("LOGPIPE_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    public static long Iterations(long ci) => IsCampaign ? ci * Factor : ci;

    private static long Factor => Environment.GetEnvironmentVariable("LOGPIPE_FUZZ_FACTOR") is { Length: > 0 } factor
        ? long.Parse(factor, CultureInfo.InvariantCulture)
        : 50;
}
