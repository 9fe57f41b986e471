using LogPipe.Hosting;
using LogPipe.Sample.Data;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Sample.Serializers;

/// <summary>
/// What both versions share: the message type, the key field, sending from <see cref="Person"/>, and receiving into
/// <see cref="PersonReplica"/> (looked up by uuid, then created or updated).
/// </summary>
/// <typeparam name="TMessage">The message version's body.</typeparam>
public abstract class PersonSerializer<TMessage>(SampleDbContext db) : ModelSerializer<Person, TMessage>
    where TMessage : class
{
    public override string MessageType => "person";

    public override string? KeyField => "uuid";

    // The replicas this unit of work has seen, by uuid: prefetched, found or added. Serializers are scoped to a unit of
    // work, so this lives exactly as long as the unit. (DbSet.Local would do too, but it scans every tracked entity.)
    private readonly Dictionary<Guid, PersonReplica?> _known = [];

    protected SampleDbContext Db { get; } = db;

    // SaveAsync only changes tracked replicas and lookups see the unit's own: whole units can be saved in one go.
    public override bool BatchSaves => true;

    /// <summary>Loads every replica the unit's messages refer to with one query.</summary>
    public override async Task PrefetchAsync(IReadOnlyList<TMessage> messages, CancellationToken cancellationToken)
    {
        var uuids = messages.Select(UuidOf).Distinct().ToList();
        foreach (var uuid in uuids) _known[uuid] = null;
        foreach (var chunk in uuids.Chunk(500))
        {
            foreach (var replica in await Db.Replicas.Where(r => chunk.Contains(r.Uuid)).ToListAsync(cancellationToken)) _known[replica.Uuid] = replica;
        }
    }

    protected abstract Guid UuidOf(TMessage message);

    protected abstract void Apply(TMessage message, PersonReplica replica);

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
