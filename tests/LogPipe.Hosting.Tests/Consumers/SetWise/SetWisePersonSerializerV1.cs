using FluentValidation;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Consumers.SetWise;

public sealed class SetWisePersonSerializerV1(TestDb db, SetSaveJournal journal) : SetWisePersonSerializer<PersonV1>(db, journal)
{
    private static readonly InlineValidator<PersonV1> Rules = CreateRules();

    public override int Version => 1;

    public override IValidator<PersonV1> Validator => Rules;

    public override PersonV1 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName);

    protected override (Guid Uuid, string FirstName, string LastName) Fields(PersonV1 message) => (message.Uuid, message.FirstName, message.LastName);

    private static InlineValidator<PersonV1> CreateRules()
    {
        var rules = new InlineValidator<PersonV1>();
        rules.RuleFor(p => p.FirstName).NotEmpty();
        return rules;
    }
}
