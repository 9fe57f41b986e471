
namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Decides what a failed save of one record counts as, and how long to wait before the next try. Failures of the
/// infrastructure as a whole (a unit that cannot begin or commit, a rollback that fails) never reach here: the runner
/// abandons the unit without counting anything against its records.
/// </summary>
internal static class SaveRetryPolicy
{
    /// <summary>
    /// Adds a failure of <paramref name="record"/>'s save, after its savepoint rolled back (so the database answers). A
    /// transient one is not counted while the record has had fewer than <see cref="FailureOptions.MaxTransientRetries"/>;
    /// anything else, a <see cref="SaveTimeoutException"/> included, counts as an attempt.
    /// </summary>
    public static SaveFailureRecord RecordFailure(ConsumerState consumer, Transport.IncomingRecord record, Exception failure, DateTimeOffset now)
    {
        var previous = consumer.FailureOf(record);
        var transient = failure is not SaveTimeoutException && TransientErrors.IsTransient(failure);
        var entry = previous ?? new SaveFailureRecord(0, 0, now, failure);
        entry = transient && entry.TransientFailures < consumer.Failures.MaxTransientRetries
            ? entry with { TransientFailures = entry.TransientFailures + 1, LastError = failure, Counted = false }
            : entry with { Attempts = entry.Attempts + 1, LastError = failure, Counted = true };
        consumer.SetFailure(record, entry);
        return entry;
    }

    /// <summary>Whether the failure policy applies now.</summary>
    public static bool AttemptsUsedUp(SaveFailureRecord failure, FailureOptions options) => failure.Attempts >= options.MaxAttempts;
}
