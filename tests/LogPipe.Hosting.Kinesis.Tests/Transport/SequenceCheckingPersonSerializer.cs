using System.Globalization;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// Version 2 of a person whose <c>last_name</c> is a running number per person (1, 2, 3, ...): saving one that is not the
/// stored number plus one is an order violation. The check reads the database inside the unit of work, so a rolled-back
/// unit that is applied again is checked against the state it really applies to.
/// </summary>
public sealed class SequenceCheckingPersonSerializer(TestDb db, Probe probe, OrderViolations violations) : PersonSerializerBase<PersonV2>(db, probe)
{
    public override int Version => 2;

    public override PersonV2 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName, model.Email);

    public override async Task SaveAsync(PersonV2 message, Person? instance, CancellationToken cancellationToken)
    {
        var expected = instance is null ? 1 : int.Parse(instance.LastName, CultureInfo.InvariantCulture) + 1;
        var actual = int.Parse(message.LastName, CultureInfo.InvariantCulture);
        if (actual != expected) violations.Seen.Enqueue($"{message.Uuid}: {actual} applied after {instance?.LastName ?? "nothing"}");
        await base.SaveAsync(message, instance, cancellationToken);
    }

    protected override Guid UuidOf(PersonV2 message) => message.Uuid;

    protected override void Copy(PersonV2 message, Person person)
    {
        person.FirstName = message.FirstName;
        person.LastName = message.LastName;
        person.Email = message.Email;
    }
}
