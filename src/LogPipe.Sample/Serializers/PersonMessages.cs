namespace LogPipe.Sample.Serializers;

/// <summary>Version 1 of the <c>person</c> message: <c>uuid</c>, <c>first_name</c>, <c>last_name</c>.</summary>
public sealed record PersonMessageV1(Guid Uuid, string FirstName, string LastName);

/// <summary>Version 2 adds <c>email</c>.</summary>
public sealed record PersonMessageV2(Guid Uuid, string FirstName, string LastName, string? Email);
