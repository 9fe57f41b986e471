namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// Judges a run from the consumer's database and the log — a Kafka topic or a Kinesis stream: waits until the replica
/// caught up with the log (or patience ran out), then counts people lost and people applied more often than they occur
/// on the log.
/// </summary>
public sealed class Replica
{
    private readonly ScenarioDatabase _database;
    private readonly string _stream;
    private readonly string _group;
    private readonly Func<Task<Dictionary<string, LogPosition>>> _logEnds;

    /// <summary>A replica of <paramref name="topic"/> on the Kafka cluster at <paramref name="bootstrapServers"/>.</summary>
    public Replica(ScenarioDatabase database, string bootstrapServers, string topic, int partitions, string group)
        : this(database, topic, group, () => Task.FromResult(TopicLog.EndOffsets(bootstrapServers, topic, partitions).ToDictionary(e => e.Key, e => new LogPosition(e.Value))))
    {
    }

    /// <summary>A replica of <paramref name="stream"/>, whose ends (every partition or shard that holds records) <paramref name="logEnds"/> reads.</summary>
    public Replica(ScenarioDatabase database, string stream, string group, Func<Task<Dictionary<string, LogPosition>>> logEnds)
    {
        _database = database;
        _stream = stream;
        _group = group;
        _logEnds = logEnds;
    }

    /// <summary>How long a replica may take to catch up after the last fault; generous, for 2-core CI machines.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Waits until every expected person is stored and the checkpoints equal the log end, then measures.
    /// <paramref name="occurrences"/> says how often each person is on the log (re-sent records occur twice); by default once.
    /// </summary>
    public async Task<ReplicaOutcome> CatchUpAndMeasureAsync(IReadOnlyCollection<Guid> expected, IReadOnlyDictionary<Guid, int>? occurrences = null, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var ends = await _logEnds();
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        var caughtUp = false;
        while (DateTime.UtcNow < deadline)
        {
            if (await _database.PeopleCountAsync() >= expected.Count && AtEnd(await _database.CheckpointsAsync(_group, _stream), ends))
            {
                caughtUp = true;
                break;
            }

            await Task.Delay(200); // the poll interval of this wait: the verdict below reports what was lost or doubled instead of failing here
        }

        var people = (await _database.PeopleAsync()).ToDictionary(p => p.Uuid);
        var lost = expected.Count(u => !people.ContainsKey(u));
        var twice = people.Values.Where(p => p.Applied > (occurrences?.GetValueOrDefault(p.Uuid, 1) ?? 1)).ToList();
        var deadLetters = (await _database.DeadLettersAsync(_group)).GroupBy(d => d.ErrorKind).ToDictionary(g => g.Key, g => g.Count());
        var checkpoints = await _database.CheckpointsAsync(_group, _stream);
        return new ReplicaOutcome(
            lost,
            twice.Count,
            caughtUp || AtEnd(checkpoints, ends),
            deadLetters,
            $"people {people.Count}/{expected.Count}; applied twice e.g. {string.Join(", ", twice.Take(3).Select(p => $"{p.Uuid}×{p.Applied}"))}; "
                + $"checkpoints {Describe(checkpoints)} vs log end {Describe(ends)}");
    }

    private static bool AtEnd(Dictionary<string, LogPosition> checkpoints, Dictionary<string, LogPosition> ends) =>
        ends.All(e => checkpoints.TryGetValue(e.Key, out var stored) && e.Value.IsReachedBy(stored));

    // Partition numbers in numeric order (9 before 10); shard ids, zero-padded, in text order.
    private static string Describe(Dictionary<string, LogPosition> positions) =>
        string.Join(",", positions.OrderBy(o => o.Key.Length).ThenBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}:{o.Value}"));
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
