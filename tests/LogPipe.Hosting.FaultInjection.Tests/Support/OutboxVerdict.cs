using LogPipe.Hosting.FaultInjection.Worker.Outbox;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The judgement of an outbox scenario, from three sources that do not depend on each other: the changes committed in the
/// writer's database, the records on the log (read with a raw consumer) and the consumer's replica.
/// <list type="bullet">
/// <item><b>Not on the log</b>: a committed change whose record is nowhere on the topic.</item>
/// <item><b>Uncommitted on the log</b>: a record whose change id no committed change has (a rolled-back or killed
/// transaction's send).</item>
/// <item><b>Copies on the log</b>: further records of one change (the relay re-sent what the broker had acknowledged).</item>
/// <item><b>Out of order</b>: a change whose first record on the log comes after the first record of a later version of the
/// same person, or on another partition than that person's other records.</item>
/// <item><b>Lost</b> / <b>applied twice</b> by the consumer: per person, the replica's apply counter against the number of
/// committed changes; and <b>stale</b>: a replica not at the person's last committed change.</item>
/// </list>
/// </summary>
public sealed record OutboxVerdict(
    int Committed,
    int NotOnLog,
    int UncommittedOnLog,
    int CopiesOnLog,
    int WithoutIdentity,
    int OutOfOrder,
    int Lost,
    int AppliedTwice,
    int Stale,
    string Detail)
{
    /// <summary>Judges a run: <paramref name="changes"/> committed, <paramref name="log"/> on the topic, <paramref name="replica"/> applied.</summary>
    public static OutboxVerdict Judge(IReadOnlyList<PersonChange> changes, IReadOnlyList<LoggedRecord> log, IReadOnlyList<Person> replica)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(replica);
        var duplicates = changes.GroupBy(c => (c.Uuid, c.Version)).Count(g => g.Count() > 1);
        Assert.True(duplicates == 0, $"The writer committed {duplicates} versions twice: the scenario's writer is broken, not the outbox.");
        var committed = changes.ToDictionary(c => c.ChangeId);
        var seen = new Dictionary<Guid, int>();
        var partitionOf = new Dictionary<Guid, int>();
        var lastVersion = new Dictionary<Guid, int>();
        var uncommitted = 0;
        var withoutIdentity = 0;
        var outOfOrder = new List<string>();
        foreach (var record in log)
        {
            if (PersonRecords.ChangeOf(record.Value) is not { } change) continue;
            if (!record.Headers.ContainsKey(OutboxIdentity.SourceHeader) || !record.Headers.ContainsKey(OutboxIdentity.SequenceHeader)) withoutIdentity++;
            if (!committed.ContainsKey(change.ChangeId))
            {
                uncommitted++;
                continue;
            }

            seen[change.ChangeId] = seen.GetValueOrDefault(change.ChangeId) + 1;
            if (seen[change.ChangeId] > 1) continue; // a copy: the consumer skips it, so it cannot reorder anything

            if (partitionOf.TryGetValue(change.Uuid, out var partition) && partition != record.Partition)
            {
                outOfOrder.Add($"{change.Uuid} v{change.Version} on partition {record.Partition}, earlier versions on {partition}");
            }
            else if (lastVersion.TryGetValue(change.Uuid, out var last) && change.Version < last)
            {
                outOfOrder.Add($"{change.Uuid} v{change.Version} at {record.Partition}@{record.Offset} after v{last}");
            }

            partitionOf[change.Uuid] = record.Partition;
            lastVersion[change.Uuid] = Math.Max(lastVersion.GetValueOrDefault(change.Uuid), change.Version);
        }

        var notOnLog = changes.Count(c => !seen.ContainsKey(c.ChangeId));
        var byPerson = changes.GroupBy(c => c.Uuid).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Version).ToList());
        var applied = replica.ToDictionary(p => p.Uuid);
        var lost = 0;
        var twice = 0;
        var stale = 0;
        var examples = new List<string>();
        foreach (var (uuid, personChanges) in byPerson)
        {
            var count = applied.TryGetValue(uuid, out var person) ? person.Applied : 0;
            lost += Math.Max(0, personChanges.Count - count);
            twice += Math.Max(0, count - personChanges.Count);
            if (person is null || person.LastName != personChanges[^1].ChangeId.ToString("N")) stale++;
            if (count != personChanges.Count && examples.Count < 3) examples.Add($"{uuid}: {personChanges.Count} committed, applied {count}");
        }

        return new OutboxVerdict(
            changes.Count,
            notOnLog,
            uncommitted,
            seen.Values.Sum(n => n - 1),
            withoutIdentity,
            outOfOrder.Count,
            lost,
            twice,
            stale,
            $"{log.Count} records on the log; people applied other than once per change e.g. {string.Join("; ", examples)}; out of order e.g. {string.Join("; ", outOfOrder.Take(3))}");
    }

    /// <summary>Asserts the outbox's promise: every committed change on the log, nothing else, in per-key order, applied once each.</summary>
    public void AssertExactlyOnceInOrder()
    {
        Assert.True(NotOnLog == 0, $"{NotOnLog} committed changes are not on the log. {Detail}");
        Assert.True(UncommittedOnLog == 0, $"{UncommittedOnLog} records on the log carry changes that never committed. {Detail}");
        Assert.True(WithoutIdentity == 0, $"{WithoutIdentity} relayed records lack the outbox identity headers. {Detail}");
        Assert.True(OutOfOrder == 0, $"{OutOfOrder} changes are out of per-key order on the log. {Detail}");
        Assert.True(Lost == 0, $"{Lost} committed changes were not applied by the consumer. {Detail}");
        Assert.True(AppliedTwice == 0, $"{AppliedTwice} changes were applied twice by the consumer. {Detail}");
        Assert.True(Stale == 0, $"{Stale} replicas are not at their person's last committed change. {Detail}");
    }
}
