namespace LogPipe.Hosting.Transport;

/// <summary>A transport that can tell whether it reaches its brokers or service.</summary>
/// <remarks>Extension point for transport authors: implement it on an <see cref="ITransport"/> so the health check can
/// report broker reachability. See docs/extending.md.</remarks>
public interface ITransportHealth
{
    /// <summary>Whether the transport is reachable now, and if not, why.</summary>
    /// <returns>The reachability and a description.</returns>
    (bool Reachable, string Description) CheckReachability();
}
