using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Gives a unit of work back to its consumers when it cannot be committed now: its records go back in order, its
/// consumers wait a backoff after an infrastructure failure, and the next unit is told what this one learned (apply
/// record by record; dispose off the loop under a save that ignored its timeout).
/// </summary>
internal sealed class UnitAbandoner
{
    private readonly FailureOptions _failures;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _transientStreak;
    private bool _perRecordNext;

    /// <summary>The save still running in the scope of the unit being given up: its disposal waits for it, off the loop.</summary>
    private Task? _unitLeftToHungSave;

    public UnitAbandoner(FailureOptions failures, TimeProvider time, ILogger logger)
    {
        _failures = failures;
        _time = time;
        _logger = logger;
    }

    /// <summary>Puts the records from <paramref name="from"/> on back and holds their consumers for a growing backoff.</summary>
    public void Abandon(List<(ConsumerState Consumer, IncomingRecord Record)> unit, int from, Exception? cause)
    {
        // Infrastructure failures (database down) back off exponentially without counting against any record.
        _transientStreak = Math.Min(_transientStreak + 1, RetryBackoff.MaxStreak);
        var backoff = RetryBackoff.Before(_failures, _transientStreak);
        ConsumerLog.UnitAbandoned(_logger, cause ?? new InvalidOperationException("dead letter could not be written"), unit.Count, (long)backoff.TotalMilliseconds);
        PutBack(unit, from);
        var until = _time.GetUtcNow() + backoff;
        foreach (var consumer in unit.Select(u => u.Consumer).Distinct()) consumer.NotBefore = until;
    }

    /// <summary>A batched unit failed: its records go back and the next unit is applied record by record.</summary>
    public void FallBackToPerRecord(List<(ConsumerState Consumer, IncomingRecord Record)> unit, Exception cause)
    {
        if (cause is SaveTimeoutException { Abandoned: true, StillRunning: { } hung }) _unitLeftToHungSave = hung;
        if (TransientErrors.IsTransient(cause))
        {
            // Whether the database is down or one record's save times out, the careful path tells: it counts failures
            // against the record whose savepoint they hit, and abandons the unit when the database does not answer.
            Abandon(unit, 0, cause);
            _perRecordNext = true;
            return;
        }

        ConsumerLog.BatchFellBack(_logger, cause, unit.Count);
        PutBack(unit, 0);
        _perRecordNext = true;
    }

    /// <summary>A save ignored its timeout and still runs in the unit's scope.</summary>
    public void LeftToHungSave(Task stillRunning) => _unitLeftToHungSave = stillRunning;

    /// <summary>The save the unit being given up must wait for before it is rolled back, off the loop; answers once.</summary>
    public Task? TakeLeftToHungSave()
    {
        var left = _unitLeftToHungSave;
        _unitLeftToHungSave = null;
        return left;
    }

    /// <summary>Whether the next unit must take the per-record path; answers once.</summary>
    public bool TakePerRecordNext()
    {
        var perRecord = _perRecordNext;
        _perRecordNext = false;
        return perRecord;
    }

    /// <summary>A unit committed: the database answers again, so the next infrastructure failure starts a fresh backoff.</summary>
    public void Committed() => _transientStreak = 0;

    /// <summary>Puts the records from <paramref name="from"/> on back in front of their consumers, keeping their order.</summary>
    public static void PutBack(List<(ConsumerState Consumer, IncomingRecord Record)> unit, int from)
    {
        for (var j = unit.Count - 1; j >= from; j--) unit[j].Consumer.PutBack(unit[j].Record);
    }
}
