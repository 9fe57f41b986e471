namespace LogPipe.Hosting;

/// <summary>Retries and the policy for records whose save keeps failing.</summary>
public sealed class FailureOptions
{
    /// <summary>Attempts at saving one record before <see cref="Policy"/> applies. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Wait before the first retry; doubles on every further attempt (<c>InitialBackoff</c>; the former
    /// <c>InitialBackoffMs</c> is still read). Default 200 ms.
    /// </summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between retries (<c>MaxBackoff</c>; the former <c>MaxBackoffMs</c> is still read). Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Transient failures of one record's save (a database timeout, a lost connection, a <c>DbException</c> marked transient)
    /// retried without counting toward <see cref="MaxAttempts"/>, as long as the database still answers: the record's
    /// savepoint rolls back and the unit's transaction survives. Past this number each further transient failure counts as
    /// an attempt, so a record whose own save times out every time reaches <see cref="Policy"/>. Failures where the
    /// database does not answer at all (beginning a unit, rolling back, committing) never count: a database that is down
    /// holds the consumer back, it does not dead-letter records. Default 10.
    /// </summary>
    public int MaxTransientRetries { get; set; } = 10;

    /// <summary>
    /// Longest time one record's apply (lookup, validation, save, flush) may take (<c>SaveTimeout</c>; the former
    /// <c>SaveTimeoutMs</c> is still read). At the bound its
    /// cancellation token is cancelled and the try counts as a failed attempt. A save that ignores its token and still has
    /// not returned a short grace later (a quarter of this, at most 5 s) is abandoned: the loop stops waiting for it,
    /// rolls back its unit of work and counts the attempt. Default 60 s, above the usual 30 s database command timeout
    /// so that a slow database shows as a transient failure first.
    /// </summary>
    public TimeSpan SaveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>What to do once the attempts are used up. Default <see cref="SaveFailurePolicy.DeadLetter"/>.</summary>
    public SaveFailurePolicy Policy { get; set; } = SaveFailurePolicy.DeadLetter;

    /// <summary>
    /// When <see langword="true"/>, message errors (bad bytes, unknown type or version, validation failures) are thrown to
    /// the caller instead of being logged and skipped — django-logpipe's <c>throw_errors=True</c>. The record's unit of
    /// work is rolled back and its checkpoint does not move. Default <see langword="false"/>.
    /// </summary>
    public bool ThrowErrors { get; set; }
}
