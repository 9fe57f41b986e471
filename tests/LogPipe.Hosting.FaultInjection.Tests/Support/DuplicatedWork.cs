using System.Globalization;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The work done more than once across the instances of a run, counted from their <c>--journal</c> files (one per
/// worker process, one line per record handed to a unit, rolled-back units included): records handed to a unit by
/// more than one instance, split into those a killed instance had read (its unit died with it) and the others (a lease
/// changed hands while both instances read the shard, or a fenced unit rolled back).
/// </summary>
/// <param name="Records">The records on the stream.</param>
/// <param name="Duplicated">Records handed to units of two or more instances.</param>
/// <param name="AfterKills">Of those, records one of whose readers was killed.</param>
/// <param name="Handings">Records handed to units in all, by all instances (one record handed twice by one instance counts twice).</param>
public sealed record DuplicatedWork(int Records, int Duplicated, int AfterKills, long Handings)
{
    /// <summary>Duplicated records as a percentage of the records.</summary>
    public double Percent => Records == 0 ? 0 : 100.0 * Duplicated / Records;

    /// <summary>
    /// Reads every journal in <paramref name="directory"/>; <paramref name="killed"/> names the journals (file names
    /// without extension) of instances that were killed.
    /// </summary>
    public static async Task<DuplicatedWork> MeasureAsync(string directory, IReadOnlySet<string> killed, int records)
    {
        ArgumentNullException.ThrowIfNull(killed);
        var readers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        long handings = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*.journal").Order(StringComparer.Ordinal))
        {
            var instance = Path.GetFileNameWithoutExtension(path);
            foreach (var uuid in (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0))
            {
                handings++;
                if (!readers.TryGetValue(uuid, out var instances)) readers[uuid] = instances = [];
                if (!instances.Contains(instance)) instances.Add(instance);
            }
        }

        var duplicated = readers.Values.Where(i => i.Count > 1).ToList();
        return new DuplicatedWork(records, duplicated.Count, duplicated.Count(i => i.Any(killed.Contains)), handings);
    }

    /// <summary>For the figures: <c>1.4 % duplicated work (84 records; 80 after kills, 4 other); 6,090 handed to units</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Percent:F2} % duplicated work ({Duplicated:N0} records read by two or more instances; {AfterKills:N0} after kills, {Duplicated - AfterKills:N0} other); {Handings:N0} records handed to units in all");
}
