namespace LogPipe.Hosting.Transport;

/// <summary>A transport added to LogPipe (by <c>UseKafka()</c>, <c>UseKinesis()</c>, ...), created only if selected.</summary>
/// <param name="Name">The name <c>LogPipe:Transport</c> selects it by.</param>
/// <param name="Create">Creates the transport from the application's services.</param>
/// <param name="IsInMemory">Whether this is the in-memory transport, used when no other was added.</param>
/// <remarks>Extension point for transport authors: register one as a singleton to make a transport selectable by
/// <c>LogPipe:Transport</c>. See docs/extending.md.</remarks>
public sealed record TransportRegistration(string Name, Func<IServiceProvider, ITransport> Create, bool IsInMemory = false);
