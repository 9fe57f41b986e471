using Confluent.Kafka;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>
/// Rebalances that come while a member's unit is still applying, on a real Kafka-protocol broker: the partitions move
/// only once the unit has committed or been fenced, and no record is applied twice.
/// </summary>
public sealed class KafkaRebalanceTests(ITestOutputHelper output) : KafkaTransportTestBase
{
    /// <summary>
    /// For tests where a member's unit must commit while its revocation waits: the development broker ends a rebalance
    /// round session.timeout.ms - 1000 after it began and drops a member that has not rejoined by then (a real broker
    /// waits up to max.poll.interval.ms). With the tests' 2 s sessions, a unit that took over a second to commit on a
    /// loaded machine got its member dropped ("Unknown member") and its partitions, all of them, started over elsewhere.
    /// </summary>
    private static readonly Dictionary<string, string?> SlowRebalances = new()
    {
        ["LogPipe:Kafka:Consumer:session.timeout.ms"] = "6000",
        ["LogPipe:Kafka:Consumer:heartbeat.interval.ms"] = "1000",
    };

    [Fact]
    public async Task A_member_that_loses_its_partitions_mid_unit_cannot_commit_them()
    {
        var db = await DatabaseAsync("postgres");
        using var stuck = new SemaphoreSlim(0);
        var slowProbe = new Probe { SaveGate = stuck };

        // A stops polling while its unit is stuck, so the group moves its partitions to B after max.poll.interval.ms.
        // (Its read-ahead pauses after half of it; a revocation waits for the unit no longer than that.)
        var a = await AppAsync(db, new Dictionary<string, string?> { ["LogPipe:Kafka:Consumer:max.poll.interval.ms"] = "3000" }, slowProbe);
        var people = People.Many(300);
        await SendAsync(a, people);
        await slowProbe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var b = await AppAsync(db);
        await AssertExactlyOnceAsync(b, people);

        // A's source reads ahead on a thread of its own, which would keep A in the group for good: it stopped polling once
        // the unit had applied for half of max.poll.interval.ms, so that librdkafka took A out as before.
        Assert.Contains(a.Logs.Entries, e => e.EventId.Id == LogEvents.ReadAheadPausedForLongUnit);

        // Let A finish its unit: its checkpoint write is fenced and everything it did rolls back.
        slowProbe.SaveGate = null;
        stuck.Release(1000);
        await Eventually.TrueAsync(() => a.Logs.Entries.Any(e => e.EventId.Id is LogEvents.CheckpointConflict or LogEvents.SaveFailedWillRetry), TimeSpan.FromSeconds(60), "A's unit was fenced or its save refused");
        await b.DisposeAsync();
        var stored = await a.PeopleAsync();
        Assert.Equal(300, stored.Count);
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
    }

    [Fact]
    public async Task A_rebalance_while_a_unit_applies_waits_for_it_so_group_offsets_hand_over_without_applying_anything_twice()
    {
        // Group offsets have no checkpoint versions to fence a late commit: only the order keeps records from being applied
        // twice. The source reads ahead on its own thread, so the rebalance comes while A's unit is stuck in its saves.
        using var stuck = await UnitStuckInRevocationAsync();
        Assert.DoesNotContain(stuck.A.Logs.Entries, e => e.EventId.Id == LogEvents.PartitionsRevoked);

        stuck.Release();
        await Eventually.TrueAsync(() => stuck.A.Logs.Entries.Any(e => e.EventId.Id == LogEvents.PartitionsRevoked), TimeSpan.FromSeconds(60), "A's partitions were revoked once its unit committed");
        await AssertHandedOverExactlyOnceAsync(stuck);
        Assert.True(stuck.B.Probe.SaveCount<PersonSerializerV2>() > 0, "B applied records of the partitions it was given");
        Assert.DoesNotContain(stuck.A.Logs.Entries, e => e.EventId.Id == LogEvents.RevokedDuringLongUnit);
    }

    [Fact]
    public async Task A_group_commit_refused_during_a_revocation_is_made_before_the_partitions_are_handed_over()
    {
        // What the test above met about one run in four next to two CPU hogs: A's unit commits while its revocation waits,
        // and the broker refuses the unit's group commit because a rebalance is in progress. Left to "the next unit",
        // which never comes for partitions being handed over, B started them where the group's last commit left them.
        using var stuck = await UnitStuckInRevocationAsync();
        Cluster.Cluster.FailNextRequests(8 /* OffsetCommit */, ErrorCode.RebalanceInProgress);
        stuck.Release();
        await AssertHandedOverExactlyOnceAsync(stuck);

        // The refusal hit A's unit. Whether that unit held records of the partitions being handed over depends on how the
        // read-ahead filled it; when it did, the revocation made the owed commit (event 2027), and without it those
        // records were applied twice (101 and 153 people in two runs).
        Assert.Contains(stuck.A.Logs.Entries, e => e.EventId.Id == LogEvents.GroupCommitFailed);
    }

    /// <summary>
    /// Member A (group offsets, SQLite) is stuck saving a unit of 300 people when member B joins, and A's revocation is
    /// waiting for that unit.
    /// </summary>
    private async Task<StuckUnit> UnitStuckInRevocationAsync()
    {
        var db = await DatabaseAsync("sqlite");
        var gate = new SemaphoreSlim(0);
        var probe = new Probe { SaveGate = gate };
        var a = await AppAsync(db, SlowRebalances, probe, groupOffsets: true);
        var people = People.Many(300);
        await SendAsync(a, people);
        await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var b = await AppAsync(db, SlowRebalances, groupOffsets: true);
        await Eventually.TrueAsync(() => a.Logs.Entries.Any(e => e.EventId.Id == LogEvents.RevocationWaitsForUnit), TimeSpan.FromSeconds(60), "A's revocation waits for its unit");
        return new StuckUnit(a, b, people, probe, gate);
    }

    /// <summary>Once B has partitions, sends 300 more people through B; every person must reach the database once.</summary>
    private async Task AssertHandedOverExactlyOnceAsync(StuckUnit stuck)
    {
        await Eventually.TrueAsync(() => stuck.B.Logs.Entries.Any(e => e.EventId.Id == LogEvents.PartitionsAssigned), TimeSpan.FromSeconds(60), "B was assigned partitions");
        var more = People.Many(300);
        await SendAsync(stuck.B, more);
        await Eventually.TrueAsync(async () => await stuck.A.PeopleCountAsync() >= 600, TimeSpan.FromSeconds(90), "everything replicated");
        var stored = await stuck.A.PeopleAsync();
        var twice = stored.Where(p => p.Applied != 1).ToList();
        if (twice.Count > 0)
        {
            // What each member did, for a failure seen only on a loaded machine.
            foreach (var (name, app) in new[] { ("A", stuck.A), ("B", stuck.B) })
            {
                foreach (var e in app.Logs.Entries) output.WriteLine($"{name} [{e.EventId.Id}] {e.Message} {e.Exception?.GetType().Name} {e.Exception?.Message}");
            }
        }

        Assert.Equal(stuck.People.Concat(more).Select(p => p.Uuid).Order(), stored.Select(p => p.Uuid).Order());
        Assert.True(twice.Count == 0, $"{twice.Count} people applied more than once, first {string.Join(", ", twice.Take(5).Select(p => p.FirstName))}");
    }

    /// <summary>Two members of one group while A's unit is held in its saves; <see cref="Release"/> lets the unit go on.</summary>
    private sealed class StuckUnit(KafkaApp a, KafkaApp b, IReadOnlyList<Person> people, Probe probe, SemaphoreSlim gate) : IDisposable
    {
        public KafkaApp A => a;

        public KafkaApp B => b;

        public IReadOnlyList<Person> People => people;

        public void Release()
        {
            probe.SaveGate = null;
            gate.Release(1000);
        }

        public void Dispose() => gate.Dispose();
    }
}
