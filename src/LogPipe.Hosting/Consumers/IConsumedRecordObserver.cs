using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Hears, after each unit of work committed, what became of its records: the test harness (LogPipe.Hosting.Testing) keeps
/// them so a test can assert what was applied, skipped and dead-lettered. Only committed outcomes are reported, so a unit
/// that rolled back and was applied again is not seen twice.
/// </summary>
internal interface IConsumedRecordObserver
{
    /// <summary>A unit of work committed.</summary>
    /// <param name="handled">Its records in the order they were applied, with their outcomes.</param>
    /// <param name="deadLetters">The dead letters it kept.</param>
    void Committed(IReadOnlyList<(IncomingRecord Record, RecordOutcome Outcome)> handled, IReadOnlyList<DeadLetter> deadLetters);
}
