using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Takes the records of the next unit of work round-robin, one per consumer per pass, so a busy consumer never starves
/// another and an idle one costs nothing; waits for records when asked to; and holds back records younger than
/// <c>MinMessageLag</c>, and consumers in a retry backoff, without holding back the others.
/// </summary>
internal sealed class UnitGatherer
{
    /// <summary>Records a lone consumer takes per pass, between looks at the clock.</summary>
    private const int RunOfLoneConsumer = 64;

    private readonly List<ConsumerState> _consumers;
    private readonly UnitOfWorkOptions _options;
    private readonly MessageLag _messageLag;
    private readonly ConsumerProgress _progress;
    private readonly TimeProvider _time;
    private int _rotation;
    private int _lastCount;

    public UnitGatherer(List<ConsumerState> consumers, UnitOfWorkOptions options, MessageLag messageLag, ConsumerProgress progress, TimeProvider time)
    {
        _consumers = consumers;
        _options = options;
        _messageLag = messageLag;
        _progress = progress;
        _time = time;
    }

    /// <summary>
    /// Takes up to <c>LogPipe:UnitOfWork:MaxRecords</c> ready records, for at most half of <c>MaxDuration</c>; with
    /// <paramref name="wait"/>, waits until at least one is ready (or cancelled), otherwise returns an empty unit at once.
    /// </summary>
    public async Task<List<(ConsumerState Consumer, IncomingRecord Record)>> GatherAsync(bool wait, CancellationToken cancellationToken)
    {
        var consumers = _consumers;
        var max = Math.Max(1, _options.MaxRecords);

        // Sized like the last unit: a busy consumer's units are full, and growing the list to its size cost twice as much.
        var unit = new List<(ConsumerState Consumer, IncomingRecord Record)>(Math.Min(_lastCount, max));
        if (consumers.Count == 0) return unit;
        var started = _time.GetTimestamp();
        var budget = (_options.MaxDuration > TimeSpan.Zero ? _options.MaxDuration : TimeSpan.FromMilliseconds(1)) / 2.0;
        _rotation = (_rotation + 1) % consumers.Count;

        while (true)
        {
            var progressed = false;
            DateTimeOffset? nextDue = null;
            var now = _time.GetUtcNow();
            for (var i = 0; i < consumers.Count && unit.Count < max; i++)
            {
                var consumer = consumers[(_rotation + i) % consumers.Count];
                if (consumer.NotBefore > now)
                {
                    nextDue = Earliest(nextDue, consumer.NotBefore);
                    continue;
                }

                // A lone consumer takes a run of records per pass (there is no one to be fair to): a pass per record read
                // the clock twice for every record.
                var take = consumers.Count == 1 ? Math.Min(RunOfLoneConsumer, max - unit.Count) : 1;
                for (var n = 0; n < take; n++)
                {
                    if (!consumer.TryPeek(out var record)) break;
                    if (!consumer.Source.IsCurrent(record) || (consumer.Revoking is { } revoking && revoking.IsRevoking(record)))
                    {
                        consumer.DropHead();
                        _progress.Forget(record);
                        progressed = true;
                        continue;
                    }

                    var due = _messageLag.DueAt(record, now);
                    if (due > now)
                    {
                        nextDue = Earliest(nextDue, due);
                        break;
                    }

                    consumer.DropHead();
                    unit.Add((consumer, record));
                    _progress.Taken(record, consumer.Source);
                    progressed = true;
                }
            }

            if (unit.Count >= max || (unit.Count > 0 && _time.GetElapsedTime(started) >= budget)) return Gathered(unit);
            if (progressed) continue;
            if (unit.Count > 0) return Gathered(unit);
            if (!wait)
            {
                // Nothing is ready: the loop is alive and idle, which is progress for the health check.
                _progress.Alive();
                return unit;
            }

            await WaitForAnyAsync(cancellationToken, nextDue).ConfigureAwait(false);
            _progress.Alive();
        }
    }

    private List<(ConsumerState Consumer, IncomingRecord Record)> Gathered(List<(ConsumerState Consumer, IncomingRecord Record)> unit)
    {
        _lastCount = unit.Count;
        return unit;
    }

    /// <summary>Whether a record can be taken at <paramref name="now"/>.</summary>
    public bool HasReadyWork(DateTimeOffset now)
    {
        return _consumers.Exists(c => c.NotBefore <= now && c.TryPeek(out var r) && _messageLag.DueAt(r, now) <= now);
    }

    /// <summary>Whether a record waits at <paramref name="now"/> for a retry's backoff or its minimum lag.</summary>
    public bool HasDeferredWork(DateTimeOffset now)
    {
        return _consumers.Exists(c => c.NotBefore > now || (c.TryPeek(out var r) && _messageLag.DueAt(r, now) > now));
    }

    /// <summary>
    /// Waits until a source has records, a consumer's backoff or <paramref name="until"/> runs out, or
    /// <c>LogPipe:UnitOfWork:IdlePoll</c> passed, whichever comes first.
    /// </summary>
    public async Task WaitForAnyAsync(CancellationToken cancellationToken, DateTimeOffset? until = null)
    {
        var consumers = _consumers;
        var now = _time.GetUtcNow();
        var timeout = _options.IdlePoll > TimeSpan.Zero ? _options.IdlePoll : TimeSpan.FromMilliseconds(1);
        foreach (var c in consumers)
        {
            if (c.NotBefore > now) until = Earliest(until, c.NotBefore);
        }

        if (until is { } u && u - now < timeout) timeout = u - now < TimeSpan.Zero ? TimeSpan.Zero : u - now;
        if (timeout <= TimeSpan.Zero) return;

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wake.CancelAfter(timeout);
        var waits = consumers.Select(c => c.Source.WaitToReadAsync(wake.Token).AsTask()).ToList();
        try
        {
            await Task.WhenAny(waits).ConfigureAwait(false);
        }
        finally
        {
            await wake.CancelAsync().ConfigureAwait(false);
            foreach (var w in waits)
            {
                // Observe every wait so cancelled ones do not surface as unobserved exceptions.
                try { await w.ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
