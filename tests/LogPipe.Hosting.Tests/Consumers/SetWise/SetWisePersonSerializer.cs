using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Tests.Consumers.SetWise;

/// <summary>
/// Saves people set-wise with <c>INSERT ... ON CONFLICT</c> statements in the unit's transaction (one per item, in
/// order: what matters here is what LogPipe hands over and when), and one at a time with the same rule.
/// </summary>
public abstract class SetWisePersonSerializer<TMessage>(TestDb db, SetSaveJournal journal) : ModelSerializer<Person, TMessage>, IBatchMessageSerializer<TMessage>
    where TMessage : class
{
    private readonly Dictionary<Guid, Person> _prefetched = [];

    public override string MessageType => "person";

    public override string? KeyField => "uuid";

    protected abstract (Guid Uuid, string FirstName, string LastName) Fields(TMessage message);

    public override async Task PrefetchAsync(IReadOnlyList<TMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref journal.Prefetches);
        var uuids = messages.Select(m => Fields(m).Uuid).Distinct().ToList();
        foreach (var person in await db.People.AsNoTracking().Where(p => uuids.Contains(p.Uuid)).ToListAsync(cancellationToken)) _prefetched[person.Uuid] = person;
    }

    public override ValueTask<Person?> LookupInstanceAsync(TMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_prefetched.GetValueOrDefault(Fields(message).Uuid));

    public async Task SaveBatchAsync(IReadOnlyList<BatchItem<TMessage>> items, CancellationToken cancellationToken)
    {
        journal.Batches.Enqueue([.. items.Select(i => (Version, Fields(i.Message).Uuid, Fields(i.Message).LastName, i.Instance is Person, i.Offset))]);
        foreach (var item in items) await UpsertAsync(item.Message, cancellationToken);
    }

    public override async Task SaveAsync(TMessage message, Person? instance, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref journal.PerRecordSaves);
        await UpsertAsync(message, cancellationToken);
    }

    private async Task UpsertAsync(TMessage message, CancellationToken cancellationToken)
    {
        var (uuid, first, last) = Fields(message);
        if (last == journal.PoisonLastName) throw new InvalidOperationException($"simulated failure saving {uuid}");
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "People" ("Uuid", "FirstName", "LastName", "Applied") VALUES ({uuid}, {first}, {last}, 1) ON CONFLICT ("Uuid") DO UPDATE SET "FirstName" = excluded."FirstName", "LastName" = excluded."LastName", "Applied" = "People"."Applied" + 1""",
            cancellationToken);
    }
}
