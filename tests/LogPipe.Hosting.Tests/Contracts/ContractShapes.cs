using LogPipe.Hosting;

namespace LogPipe.Hosting.Tests.Contracts;

/// <summary>
/// Small message classes and serializers for the contract tests: one published shape of <c>person</c> v1 and the
/// changes made to it. Every serializer here handles <c>person</c> v1 keyed by <c>uuid</c> unless its name says otherwise.
/// </summary>
public static class ContractShapes
{
    public sealed record Published(Guid Uuid, string FirstName, string LastName, string? Email, string? Nickname = null);

    public sealed record LastNameRemoved(Guid Uuid, string FirstName, string? Email, string? Nickname = null);

    public sealed record LastNameRenamed(Guid Uuid, string FirstName, string Surname, string? Email, string? Nickname = null);

    public sealed record LastNameAnInteger(Guid Uuid, string FirstName, int LastName, string? Email, string? Nickname = null);

    public sealed record EmailNotNullable(Guid Uuid, string FirstName, string LastName, string Email, string? Nickname = null);

    public sealed record NicknameRequired(Guid Uuid, string FirstName, string LastName, string? Email, string? Nickname);

    public sealed record LastNameNullable(Guid Uuid, string FirstName, string? LastName, string? Email, string? Nickname = null);

    public sealed record NicknameOptionalAgeAdded(Guid Uuid, string FirstName, string LastName, string? Email, string? Nickname = null, int? Age = null);

    public sealed record AgeRequiredAdded(Guid Uuid, string FirstName, string LastName, string? Email, int Age, string? Nickname = null);

    public sealed record EmailRequiredMadeOptional(Guid Uuid, string FirstName, string LastName, string? Email = null, string? Nickname = null);

    public sealed record Place(int Id, string Name, decimal Area, DateTime FoundedAt, DateOnly Day, TimeOnly Opens, TimeSpan Open, double Rating, DateTimeOffset? ChangedAt, IReadOnlyList<string> Tags);

    public class Person<TMessage> : MessageSerializer<TMessage>
        where TMessage : class
    {
        public override string MessageType => "person";

        public override int Version => 1;

        public override string? KeyField => "uuid";

        public override Task SaveAsync(TMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class PersonKeyedByFirstName : Person<Published>
    {
        public override string? KeyField => "first_name";
    }

    public sealed class PersonV2 : Person<NicknameOptionalAgeAdded>
    {
        public override int Version => 2;
    }

    public sealed class PlaceV1 : MessageSerializer<Place>
    {
        public override string MessageType => "place";

        public override int Version => 1;

        public override string? KeyField => "id";

        public override Task SaveAsync(Place message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
