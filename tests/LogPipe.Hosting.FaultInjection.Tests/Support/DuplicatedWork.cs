using System.Globalization;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The work done more than once across the instances of a run, counted from their <c>--journal</c> files (one per
/// worker process, one line per record handed to a unit, rolled-back units included, with the moment): records handed
/// to a unit by more than one instance, split by what became of the instance that read each first: it was killed within
/// <see cref="LastUnit"/> of reading it (its unit died with it: unavoidable, about one unit per kill), it was stopped
/// gracefully within that time (it should have committed first), or else it was alive and lost the shard's lease (taken
/// from it by balancing or by expiry, and its unit fenced out).
/// </summary>
/// <param name="Records">The records on the stream.</param>
/// <param name="Duplicated">Records handed to units of two or more instances.</param>
/// <param name="AfterKills">Of those, records whose first reader was killed.</param>
/// <param name="AfterLeaves">Of those, records whose first reader was stopped gracefully.</param>
/// <param name="Handings">Records handed to units in all, by all instances (one record handed twice by one instance counts twice).</param>
public sealed record DuplicatedWork(int Records, int Duplicated, int AfterKills, int AfterLeaves, long Handings)
{
    /// <summary>How long before its last journal line a record counts as read in an instance's last unit: a unit's longest gathering (1 s) and its commit on a loaded machine.</summary>
    public static readonly TimeSpan LastUnit = TimeSpan.FromSeconds(3);

    /// <summary>Duplicated records as a percentage of the records.</summary>
    public double Percent => Records == 0 ? 0 : 100.0 * Duplicated / Records;

    /// <summary>Records whose first reader was alive and lost the lease of their shard.</summary>
    public int AfterLostLeases => Duplicated - AfterKills - AfterLeaves;

    /// <summary>
    /// Reads every journal in <paramref name="directory"/>; <paramref name="killed"/> and <paramref name="left"/> name the
    /// journals (file names without extension) of instances that were killed and that were stopped gracefully; the people
    /// in <paramref name="ignored"/> (uuids, <c>N</c> format: sent more than once) are not counted.
    /// </summary>
    public static async Task<DuplicatedWork> MeasureAsync(string directory, IReadOnlySet<string> killed, IReadOnlySet<string> left, int records, IReadOnlySet<string> ignored)
    {
        ArgumentNullException.ThrowIfNull(ignored);
        ArgumentNullException.ThrowIfNull(killed);
        ArgumentNullException.ThrowIfNull(left);
        var readers = new Dictionary<string, List<(string Instance, long At)>>(StringComparer.Ordinal);
        var lastLine = new Dictionary<string, long>(StringComparer.Ordinal);
        long handings = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*.journal").Order(StringComparer.Ordinal))
        {
            var instance = Path.GetFileNameWithoutExtension(path);
            foreach (var line in (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0))
            {
                handings++;
                var fields = line.Split(' ');
                if (ignored.Contains(fields[0])) continue;
                var at = fields.Length > 1 ? long.Parse(fields[1], CultureInfo.InvariantCulture) : 0;
                if (!readers.TryGetValue(fields[0], out var handed)) readers[fields[0]] = handed = [];
                handed.Add((instance, at));
                lastLine[instance] = Math.Max(lastLine.GetValueOrDefault(instance), at);
            }
        }

        var lastUnit = (long)LastUnit.TotalMilliseconds;

        var firsts = readers.Values
            .Where(h => h.Select(r => r.Instance).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(h => h.MinBy(r => r.At))
            .Select(f => (f.Instance, InLastUnit: f.At >= lastLine[f.Instance] - lastUnit))
            .ToList();
        return new DuplicatedWork(
            records,
            firsts.Count,
            firsts.Count(f => f.InLastUnit && killed.Contains(f.Instance)),
            firsts.Count(f => f.InLastUnit && !killed.Contains(f.Instance) && left.Contains(f.Instance)),
            handings);
    }

    /// <summary>For the figures: <c>1.40 % duplicated work (84 records read by two or more instances; 80 after kills, 0 after leaves, 4 after lost leases); …</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Percent:F2} % duplicated work ({Duplicated:N0} records read by two or more instances; {AfterKills:N0} after kills, {AfterLeaves:N0} after graceful leaves, {AfterLostLeases:N0} after lost leases); {Handings:N0} records handed to units in all");
}
