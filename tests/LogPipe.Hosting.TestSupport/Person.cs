namespace LogPipe.Hosting.TestSupport;

public sealed class Person
{
    public int Id { get; set; }

    public Guid Uuid { get; set; }

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string? Email { get; set; }

    public int Applied { get; set; }
}

public sealed record PersonV1(Guid Uuid, string FirstName, string LastName);

public sealed record PersonV2(Guid Uuid, string FirstName, string LastName, string? Email);

public sealed record Place(Guid Uuid, string Name);
