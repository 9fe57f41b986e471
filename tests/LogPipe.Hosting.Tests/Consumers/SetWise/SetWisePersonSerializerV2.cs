using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Consumers.SetWise;

public sealed class SetWisePersonSerializerV2(TestDb db, SetSaveJournal journal) : SetWisePersonSerializer<PersonV2>(db, journal)
{
    public override int Version => 2;

    public override PersonV2 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName, model.Email);

    protected override (Guid Uuid, string FirstName, string LastName) Fields(PersonV2 message) => (message.Uuid, message.FirstName, message.LastName);
}
