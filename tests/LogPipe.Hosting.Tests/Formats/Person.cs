namespace LogPipe.Hosting.Tests.Formats;

/// <summary>The message of django-logpipe's README example.</summary>
public sealed record Person(Guid Uuid, string FirstName, string LastName);
