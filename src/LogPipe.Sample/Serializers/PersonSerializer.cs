using LogPipe.Hosting.Serializers;
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

    protected SampleDbContext Db { get; } = db;

    protected abstract Guid UuidOf(TMessage message);

    protected abstract void Apply(TMessage message, PersonReplica replica);

    /// <summary>The replica a message refers to; <see langword="null"/> means it is new.</summary>
    public async ValueTask<PersonReplica?> LookupReplicaAsync(TMessage message, CancellationToken cancellationToken)
    {
        var uuid = UuidOf(message);
        // A replica added earlier in the same unit of work is tracked but not yet committed: look there first.
        return Db.Replicas.Local.FirstOrDefault(r => r.Uuid == uuid)
            ?? await Db.Replicas.FirstOrDefaultAsync(r => r.Uuid == uuid, cancellationToken);
    }

    // The producing side's model (Person) is not what this service stores on receipt, so the save works on the replica.
    public override async Task SaveAsync(TMessage message, Person? instance, CancellationToken cancellationToken)
    {
        var replica = await LookupReplicaAsync(message, cancellationToken);
        if (replica is null)
        {
            replica = new PersonReplica { Uuid = UuidOf(message) };
            Db.Replicas.Add(replica);
        }

        Apply(message, replica);
        replica.AppliedCount++;
    }
}
