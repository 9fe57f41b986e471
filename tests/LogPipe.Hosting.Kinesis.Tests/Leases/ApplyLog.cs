using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>
/// Which instance applied which version of which person, in a table of the test's database written inside the unit of
/// work's transaction (see <see cref="ApplyLoggingPersonSerializer"/>): a unit the fence rolled back leaves no row, so the
/// rows are exactly the committed effects. <c>seq</c> is the order of application across the instances of this process.
/// </summary>
public sealed class ApplyLog(string instance)
{
    private static long _sequence;

    public string Instance { get; } = instance;

    public static long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Creates the table (plain SQL that SQLite and PostgreSQL both accept).</summary>
    public static Task CreateTableAsync(TestDb db) =>
        db.Database.ExecuteSqlRawAsync("CREATE TABLE IF NOT EXISTS apply_log (person VARCHAR(40) NOT NULL, version INTEGER NOT NULL, instance VARCHAR(80) NOT NULL, seq BIGINT NOT NULL)");

    public static Task<List<ApplyLogRow>> ReadAsync(TestDb db) =>
        db.Database.SqlQueryRaw<ApplyLogRow>("SELECT person AS \"Person\", version AS \"Version\", instance AS \"Instance\", seq AS \"Seq\" FROM apply_log").ToListAsync();

    /// <summary>
    /// Every way the committed applications break per-key order: a person whose versions, in the order they were applied,
    /// are not exactly 1, 2, …, <paramref name="versions"/>.
    /// </summary>
    public static List<string> Violations(IEnumerable<ApplyLogRow> rows, int versions)
    {
        var problems = new List<string>();
        foreach (var person in rows.GroupBy(r => r.Person))
        {
            var applied = person.OrderBy(r => r.Seq).ToList();
            if (applied.Select(r => r.Version).SequenceEqual(Enumerable.Range(1, versions))) continue;
            problems.Add($"{person.Key}: {string.Join(", ", applied.Select(r => $"v{r.Version} by {r.Instance}"))}");
        }

        return problems;
    }

    public Task WriteAsync(TestDb db, Guid person, int version, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"INSERT INTO apply_log (person, version, instance, seq) VALUES ({person.ToString()}, {version}, {Instance}, {NextSequence()})", cancellationToken);
}
