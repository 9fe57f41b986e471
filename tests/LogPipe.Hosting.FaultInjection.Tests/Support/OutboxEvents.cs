namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>The outbox's log event ids the scenarios count.</summary>
public static class OutboxEvents
{
    /// <summary>OutboxCopyLog.CopySkipped (src/LogPipe.Hosting/Consumers): a copy of an applied outbox record was skipped.</summary>
    public const int CopySkipped = 5050;
}
