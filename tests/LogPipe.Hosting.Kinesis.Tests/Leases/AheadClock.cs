namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>The system clock, with its wall-clock time a fixed amount ahead: an instance whose clock is set wrong.</summary>
internal sealed class AheadClock(TimeSpan ahead) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
}
