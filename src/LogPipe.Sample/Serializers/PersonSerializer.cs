using LogPipe.Hosting;
using LogPipe.Sample.Data;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Sample.Serializers;

/// <summary>
/// What both versions share: the message type, the key field, sending from <see cref="Person"/>, and receiving into
/// <see cref="PersonReplica"/>: a unit's messages set-wise with one multi-row upsert (<see cref="SaveBatchAsync"/>), or
/// one message at a time (looked up by uuid, then created or updated through the change tracker) when a batch failed
/// and LogPipe applies its records one by one. Both write the same: the message's fields, its version, and one more
/// applied message.
/// </summary>
/// <typeparam name="TMessage">The message version's body.</typeparam>
public abstract class PersonSerializer<TMessage>(SampleDbContext db) : ModelSerializer<Person, TMessage>, IBatchMessageSerializer<TMessage>
    where TMessage : class
{
    public override string MessageType => "person";

    public override string? KeyField => "uuid";

    // The replicas this unit of work has seen, by uuid: prefetched, found or added. Serializers are scoped to a unit of
    // work, so this lives exactly as long as the unit. (DbSet.Local would do too, but it scans every tracked entity.)
    private readonly Dictionary<Guid, PersonReplica?> _known = [];

    protected SampleDbContext Db { get; } = db;

    // SaveAsync only changes tracked replicas and lookups see the unit's own: whole units can be saved in one go, also
    // where the provider has no upsert and SaveBatchAsync saves message by message.
    public override bool BatchSaves => true;

    // No PrefetchAsync: the upsert finds existing replicas itself, and loading them tracked would leave stale copies in
    // the DbContext next to the rows the upsert writes.

    /// <summary>
    /// Loads every replica <paramref name="messages"/> refer to, tracked, with one query: what a prefetch would do for
    /// <see cref="SaveAsync(TMessage, Person?, CancellationToken)"/> called for each message of a unit.
    /// </summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task LoadReplicasAsync(IReadOnlyList<TMessage> messages, CancellationToken cancellationToken)
    {
        var uuids = messages.Select(UuidOf).Distinct().ToList();
        foreach (var uuid in uuids) _known[uuid] = null;
        foreach (var chunk in uuids.Chunk(500))
        {
            foreach (var replica in await ReplicaLookup.FindAsync(Db, chunk, cancellationToken)) _known[replica.Uuid] = replica;
        }
    }

    protected abstract Guid UuidOf(TMessage message);

    protected abstract void Apply(TMessage message, PersonReplica replica);

    /// <summary>The replica values a message writes, standing for <paramref name="applied"/> messages.</summary>
    protected abstract ReplicaRow RowOf(TMessage message, int applied);

    /// <summary>Whether this version's messages carry an email (so the upsert writes that column).</summary>
    protected abstract bool CarriesEmail { get; }

    /// <summary>
    /// Saves a unit's messages with multi-row upserts. A person changed twice in the unit is written once, with the last
    /// message's fields and both messages counted, as two saves in order would leave it.
    /// </summary>
    public async Task SaveBatchAsync(IReadOnlyList<BatchItem<TMessage>> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!ReplicaUpsert.IsSupported(Db))
        {
            // No INSERT ... ON CONFLICT (SQL Server): the change tracker writes them when the unit commits.
            foreach (var item in items) await SaveAsync(item.Message, null, cancellationToken);
            return;
        }

        var last = new Dictionary<Guid, (int Index, int Count)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var uuid = UuidOf(items[i].Message);
            last[uuid] = last.TryGetValue(uuid, out var seen) ? (i, seen.Count + 1) : (i, 1);
        }

        var rows = new List<ReplicaRow>(last.Count);
        foreach (var (index, count) in last.Values) rows.Add(RowOf(items[index].Message, count));
        await ReplicaUpsert.UpsertAsync(Db, rows, CarriesEmail, cancellationToken);
    }

    /// <summary>The replica a message refers to; <see langword="null"/> means it is new.</summary>
    public async ValueTask<PersonReplica?> LookupReplicaAsync(TMessage message, CancellationToken cancellationToken)
    {
        var uuid = UuidOf(message);
        // A replica added earlier in the same unit of work is not committed yet: what this unit knows comes first.
        if (_known.TryGetValue(uuid, out var known)) return known;
        var found = await Db.Replicas.FirstOrDefaultAsync(r => r.Uuid == uuid, cancellationToken);
        _known[uuid] = found;
        return found;
    }

    // The producing side's model (Person) is not what this service stores on receipt, so the save works on the replica.
    public override async Task SaveAsync(TMessage message, Person? instance, CancellationToken cancellationToken)
    {
        var replica = await LookupReplicaAsync(message, cancellationToken);
        if (replica is null)
        {
            replica = new PersonReplica { Uuid = UuidOf(message) };
            Db.Replicas.Add(replica);
            _known[replica.Uuid] = replica;
        }

        Apply(message, replica);
        replica.AppliedCount++;
    }
}
