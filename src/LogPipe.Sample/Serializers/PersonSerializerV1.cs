using FluentValidation;
using LogPipe.Sample.Data;

namespace LogPipe.Sample.Serializers;

/// <summary>Version 1 of <c>person</c>: uuid, first name and last name.</summary>
public sealed class PersonSerializerV1(SampleDbContext db) : PersonSerializer<PersonMessageV1>(db)
{
    private static readonly InlineValidator<PersonMessageV1> Rules = CreateRules();

    public override int Version => 1;

    public override IValidator<PersonMessageV1> Validator => Rules;

    public override PersonMessageV1 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName);

    protected override Guid UuidOf(PersonMessageV1 message) => message.Uuid;

    protected override void Apply(PersonMessageV1 message, PersonReplica replica)
    {
        replica.FirstName = message.FirstName;
        replica.LastName = message.LastName;
        replica.Version = 1;
    }

    protected override bool CarriesEmail => false;

    protected override ReplicaRow RowOf(PersonMessageV1 message, int applied) => new(message.Uuid, message.FirstName, message.LastName, null, Version, applied);

    private static InlineValidator<PersonMessageV1> CreateRules()
    {
        var rules = new InlineValidator<PersonMessageV1>();
        rules.RuleFor(m => m.Uuid).NotEmpty();
        rules.RuleFor(m => m.FirstName).NotEmpty().MaximumLength(200);
        rules.RuleFor(m => m.LastName).NotEmpty().MaximumLength(200);
        return rules;
    }
}
