namespace LogPipe.Sample.Data;

/// <summary>A person as another service replicates it from the <c>people</c> topic.</summary>
public sealed class PersonReplica
{
    public int Id { get; set; }

    public Guid Uuid { get; set; }

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string? Email { get; set; }

    /// <summary>The version of the last message applied.</summary>
    public int Version { get; set; }

    /// <summary>How many messages were applied to this row: the demo's proof of exactly-once.</summary>
    public int AppliedCount { get; set; }
}
