using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// Judges a run from the consumer's database and the broker's log: waits until the replica caught up with the log (or
/// patience ran out), then counts people lost and people applied more often than they occur on the log.
/// </summary>
public sealed record Replica(ScenarioDatabase Database, string BootstrapServers, string Topic, int Partitions, string Group)
{
    /// <summary>How long a replica may take to catch up after the last fault; generous, for 2-core CI machines.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Waits until every expected person is stored and the checkpoints equal the log end, then measures.
    /// <paramref name="occurrences"/> says how often each person is on the log (re-sent records occur twice); by default once.
    /// </summary>
    public async Task<ReplicaOutcome> CatchUpAndMeasureAsync(IReadOnlyCollection<Guid> expected, IReadOnlyDictionary<Guid, int>? occurrences = null, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var ends = TopicLog.EndOffsets(BootstrapServers, Topic, Partitions);
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        var caughtUp = false;
        while (DateTime.UtcNow < deadline)
        {
            if (await Database.PeopleCountAsync() >= expected.Count && AtEnd(await Database.CheckpointsAsync(Group, Topic), ends))
            {
                caughtUp = true;
                break;
            }

            await Task.Delay(200);
        }

        var people = (await Database.PeopleAsync()).ToDictionary(p => p.Uuid);
        var lost = expected.Count(u => !people.ContainsKey(u));
        var twice = people.Values.Where(p => p.Applied > (occurrences?.GetValueOrDefault(p.Uuid, 1) ?? 1)).ToList();
        var deadLetters = (await Database.DeadLettersAsync(Group)).GroupBy(d => d.ErrorKind).ToDictionary(g => g.Key, g => g.Count());
        var checkpoints = await Database.CheckpointsAsync(Group, Topic);
        return new ReplicaOutcome(
            lost,
            twice.Count,
            caughtUp || AtEnd(checkpoints, ends),
            deadLetters,
            $"people {people.Count}/{expected.Count}; applied twice e.g. {string.Join(", ", twice.Take(3).Select(p => $"{p.Uuid}×{p.Applied}"))}; "
                + $"checkpoints {Describe(checkpoints)} vs log end {Describe(ends)}");
    }

    private static bool AtEnd(Dictionary<string, long> checkpoints, Dictionary<string, long> ends) =>
        ends.All(e => checkpoints.TryGetValue(e.Key, out var next) && next == e.Value);

    private static string Describe(Dictionary<string, long> offsets) =>
        string.Join(",", offsets.OrderBy(o => int.Parse(o.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(o => $"{o.Key}:{o.Value}"));
}

/// <summary>What a run left behind: people missing, people applied too often, whether the checkpoints reached the log end.</summary>
public sealed record ReplicaOutcome(int Lost, int AppliedTwice, bool AtLogEnd, IReadOnlyDictionary<string, int> DeadLettered, string Detail)
{
    /// <summary>Asserts nothing lost, nothing applied twice, checkpoints at the log end, no dead letters.</summary>
    public void AssertExactlyOnce()
    {
        Assert.True(Lost == 0, $"{Lost} lost. {Detail}");
        Assert.True(AppliedTwice == 0, $"{AppliedTwice} applied twice. {Detail}");
        Assert.True(AtLogEnd, $"stored offsets are not at the log end. {Detail}");
        Assert.True(DeadLettered.Count == 0, $"dead letters: {string.Join(", ", DeadLettered.Select(d => $"{d.Key} {d.Value}"))}");
    }
}
