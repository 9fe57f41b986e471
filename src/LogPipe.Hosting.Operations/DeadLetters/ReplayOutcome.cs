using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>What became of dead letters marked for replay, as far as the running service has got.</summary>
/// <param name="Marked">How many were marked.</param>
/// <param name="Replayed">How many the service applied (and removed).</param>
/// <param name="FailedAgain">Those whose replay failed again, with the new error, by id.</param>
/// <param name="Pending">The ids still waiting for the service.</param>
public sealed record ReplayOutcome(int Marked, int Replayed, IReadOnlyList<LogPipeDeadLetter> FailedAgain, IReadOnlyList<long> Pending)
{
    /// <summary>Whether every one was replayed.</summary>
    public bool AllReplayed => FailedAgain.Count == 0 && Pending.Count == 0;
}
