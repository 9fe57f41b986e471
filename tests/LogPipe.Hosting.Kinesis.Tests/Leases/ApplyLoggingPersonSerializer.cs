using System.Globalization;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>
/// Version 2 of a person whose <c>last_name</c> is its running version (1, 2, 3, …); every save also writes a row of the
/// <see cref="ApplyLog"/> in the unit's transaction, so only committed applications are judged.
/// </summary>
public sealed class ApplyLoggingPersonSerializer : PersonSerializerBase<PersonV2>
{
    private readonly TestDb _db;
    private readonly ApplyLog _log;

    public ApplyLoggingPersonSerializer(TestDb db, Probe probe, ApplyLog log)
        : base(db, probe)
    {
        _db = db;
        _log = log;
    }

    public override int Version => 2;

    public override PersonV2 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName, model.Email);

    public override async Task SaveAsync(PersonV2 message, Person? instance, CancellationToken cancellationToken)
    {
        await base.SaveAsync(message, instance, cancellationToken);
        await _log.WriteAsync(_db, message.Uuid, int.Parse(message.LastName, CultureInfo.InvariantCulture), cancellationToken);
    }

    protected override Guid UuidOf(PersonV2 message) => message.Uuid;

    protected override void Copy(PersonV2 message, Person person)
    {
        person.FirstName = message.FirstName;
        person.LastName = message.LastName;
        person.Email = message.Email;
    }
}
