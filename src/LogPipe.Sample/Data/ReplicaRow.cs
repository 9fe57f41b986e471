namespace LogPipe.Sample.Data;

/// <summary>What one upsert writes to a <see cref="PersonReplica"/>: the last message's values and how many messages it stands for.</summary>
/// <param name="Uuid">The person.</param>
/// <param name="FirstName">The first name.</param>
/// <param name="LastName">The last name.</param>
/// <param name="Email">The email (written only by messages that carry it).</param>
/// <param name="Version">The version of the message applied.</param>
/// <param name="Applied">How many messages for this person the row stands for (added to <see cref="PersonReplica.AppliedCount"/>).</param>
public readonly record struct ReplicaRow(Guid Uuid, string FirstName, string LastName, string? Email, int Version, int Applied);
