namespace LogPipe.Sample.Data;

/// <summary>A person this service owns and publishes.</summary>
public sealed class Person
{
    public int Id { get; set; }

    public Guid Uuid { get; set; } = Guid.NewGuid();

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public string? Email { get; set; }
}
