using System.Globalization;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>The notes column of an outbox scenario's figures: what the log held besides the committed changes, and why.</summary>
public static class OutboxNotes
{
    public static string Of(OutboxVerdict verdict, OutboxScenario scenario, long backlogAtKills)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(scenario);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{verdict.UncommittedOnLog} uncommitted on the log (1 in {OutboxScenario.RollbackEvery} rolled back); {verdict.CopiesOnLog} copies on the log, "
            + $"{scenario.Consumer.Count(LogEvents.OutboxCopySkipped)} skipped by the consumer; {verdict.OutOfOrder} out of per-key order; "
            + $"{backlogAtKills:N0} committed entries left unrelayed by the kills");
    }
}
