namespace LogPipe.Hosting.Transport;

/// <summary>A transport that can tell whether it reaches its brokers or service.</summary>
public interface ITransportHealth
{
    /// <summary>Whether the transport is reachable now, and if not, why.</summary>
    /// <returns>The reachability and a description.</returns>
    (bool Reachable, string Description) CheckReachability();
}
