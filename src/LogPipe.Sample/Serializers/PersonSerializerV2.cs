using FluentValidation;
using LogPipe.Sample.Data;

namespace LogPipe.Sample.Serializers;

/// <summary>Version 2 of <c>person</c>: version 1 plus email.</summary>
public sealed class PersonSerializerV2(SampleDbContext db) : PersonSerializer<PersonMessageV2>(db)
{
    private static readonly InlineValidator<PersonMessageV2> Rules = CreateRules();

    public override int Version => 2;

    public override IValidator<PersonMessageV2> Validator => Rules;

    public override PersonMessageV2 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName, model.Email);

    protected override Guid UuidOf(PersonMessageV2 message) => message.Uuid;

    protected override void Apply(PersonMessageV2 message, PersonReplica replica)
    {
        replica.FirstName = message.FirstName;
        replica.LastName = message.LastName;
        replica.Email = message.Email;
        replica.Version = 2;
    }

    protected override bool CarriesEmail => true;

    protected override ReplicaRow RowOf(PersonMessageV2 message, int applied) => new(message.Uuid, message.FirstName, message.LastName, message.Email, Version, applied);

    private static InlineValidator<PersonMessageV2> CreateRules()
    {
        var rules = new InlineValidator<PersonMessageV2>();
        rules.RuleFor(m => m.Uuid).NotEmpty();
        rules.RuleFor(m => m.FirstName).NotEmpty().MaximumLength(200);
        rules.RuleFor(m => m.LastName).NotEmpty().MaximumLength(200);
        rules.RuleFor(m => m.Email).EmailAddress().MaximumLength(320).When(m => m.Email is not null);
        return rules;
    }
}
