using System.Globalization;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// How the shard leases moved in a run, counted from the workers' logs kept beside their journals
/// (<see cref="KinesisInstances"/>): leases taken free, taken after expiry, taken by balancing (steals), and lost by a
/// live holder — at a renewal, or when a unit's checkpoint write was refused.
/// </summary>
public sealed record LeaseMoves(int Free, int Expired, int Stolen, int LostAtRenewal, int LostAtCommit)
{
    /// <summary>Counts the lease events (9001, 9002, 9006) in every <c>*.log</c> of <paramref name="directory"/>.</summary>
    public static async Task<LeaseMoves> CountAsync(string directory)
    {
        int free = 0, expired = 0, stolen = 0, lostAtRenewal = 0, lostAtCommit = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*.log"))
        {
            foreach (var line in await File.ReadAllLinesAsync(path))
            {
                if (line.Contains("[9001]", StringComparison.Ordinal))
                {
                    if (line.Contains("(free;", StringComparison.Ordinal)) free++;
                    else if (line.Contains("(expired;", StringComparison.Ordinal)) expired++;
                    else stolen++;
                }
                else if (line.Contains("[9002]", StringComparison.Ordinal))
                {
                    lostAtRenewal++;
                }
                else if (line.Contains("[9006]", StringComparison.Ordinal))
                {
                    lostAtCommit++;
                }
            }
        }

        return new LeaseMoves(free, expired, stolen, lostAtRenewal, lostAtCommit);
    }

    /// <summary>For the figures.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"leases taken: {Free} free, {Expired} expired, {Stolen} by balancing; lost by a live holder: {LostAtRenewal} at renewal, {LostAtCommit} at a refused checkpoint");
}
