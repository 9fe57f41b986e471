using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.TestSupport;

public abstract class PersonSerializerBase<TMessage> : ModelSerializer<Person, TMessage>
    where TMessage : class
{
    private readonly TestDb _db;
    private readonly Probe _probe;

    protected PersonSerializerBase(TestDb db, Probe probe)
    {
        _db = db;
        _probe = probe;
        probe.Created(this);
    }

    public override string MessageType => "person";

    public override string? KeyField => "uuid";

    protected abstract Guid UuidOf(TMessage message);

    protected abstract void Copy(TMessage message, Person person);

    private readonly HashSet<Guid> _prefetched = [];

    public override bool BatchSaves => _probe.Batched;

    public override async Task PrefetchAsync(IReadOnlyList<TMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _probe.Prefetches);
        Interlocked.Add(ref _probe.PrefetchedMessages, messages.Count);
        var uuids = messages.Select(UuidOf).Distinct().ToList();
        await _db.People.Where(p => uuids.Contains(p.Uuid)).LoadAsync(cancellationToken);
        _prefetched.UnionWith(uuids);
    }

    public override async ValueTask<Person?> LookupInstanceAsync(TMessage message, CancellationToken cancellationToken)
    {
        var uuid = UuidOf(message);
        if (!_probe.LookupIgnoresLocal && _db.People.Local.FirstOrDefault(p => p.Uuid == uuid) is { } tracked) return tracked;
        if (_probe.Batched && _prefetched.Contains(uuid) && !_probe.LookupIgnoresLocal) return null;
        return await _db.People.FirstOrDefaultAsync(p => p.Uuid == uuid, cancellationToken);
    }

    public override async Task SaveAsync(TMessage message, Person? instance, CancellationToken cancellationToken)
    {
        if (_probe.SaveGate is { } gate)
        {
            _probe.GateReached.TrySetResult();
            await gate.WaitAsync(cancellationToken);
        }

        _probe.Saves.AddOrUpdate(GetType(), 1, (_, n) => n + 1);
        _probe.Saving?.Invoke(UuidOf(message));
        if (_probe.FailSaves > 0)
        {
            Interlocked.Decrement(ref _probe.FailSaves);
            throw new InvalidOperationException("simulated save failure");
        }

        var uuid = UuidOf(message);
        if (_probe.FailTimes.TryGetValue(uuid, out var left) && left > 0)
        {
            _probe.FailTimes[uuid] = left - 1;
            throw new InvalidOperationException($"simulated save failure for {uuid}");
        }

        var person = instance ?? _db.People.Add(new Person { Uuid = UuidOf(message) }).Entity;
        Copy(message, person);
        person.Applied++;
        if (_probe.ThrowAfterWriting)
        {
            await _db.SaveChangesAsync(cancellationToken);
            throw new InvalidOperationException("simulated crash after writing");
        }
    }
}

public sealed class PersonSerializerV1(TestDb db, Probe probe) : PersonSerializerBase<PersonV1>(db, probe)
{
    private static readonly InlineValidator<PersonV1> Rules = CreateRules();

    public override int Version => 1;

    public override IValidator<PersonV1> Validator => Rules;

    public override PersonV1 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName);

    protected override Guid UuidOf(PersonV1 message) => message.Uuid;

    protected override void Copy(PersonV1 message, Person person)
    {
        person.FirstName = message.FirstName;
        person.LastName = message.LastName;
    }

    private static InlineValidator<PersonV1> CreateRules()
    {
        var rules = new InlineValidator<PersonV1>();
        rules.RuleFor(p => p.FirstName).NotEmpty().MaximumLength(200);
        rules.RuleFor(p => p.LastName).NotEmpty().MaximumLength(200);
        return rules;
    }
}

public sealed class PersonSerializerV2(TestDb db, Probe probe) : PersonSerializerBase<PersonV2>(db, probe)
{
    public override int Version => 2;

    public override PersonV2 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName, model.Email);

    protected override Guid UuidOf(PersonV2 message) => message.Uuid;

    protected override void Copy(PersonV2 message, Person person)
    {
        person.FirstName = message.FirstName;
        person.LastName = message.LastName;
        person.Email = message.Email;
    }
}

/// <summary>A serializer not tied to a model: it only counts what it saw.</summary>
public sealed class PlaceSerializer : MessageSerializer<Place>
{
    private readonly Probe _probe;

    public PlaceSerializer(Probe probe)
    {
        _probe = probe;
        probe.Created(this);
    }

    public override string MessageType => "place";

    public override int Version => 1;

    public override Task SaveAsync(Place message, CancellationToken cancellationToken)
    {
        _probe.Saves.AddOrUpdate(GetType(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
