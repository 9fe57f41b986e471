using System.Diagnostics;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// A unit of work whose records are applied and whose commit has started: what settling it needs, and the scope and
/// transaction it keeps open until then.
/// </summary>
internal sealed class UnitCommit(
    List<(ConsumerState Consumer, IncomingRecord Record)> unit,
    int taken,
    List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> handled,
    List<DeadLetter> deadLetters,
    bool batch) : IAsyncDisposable
{
    private AsyncServiceScope _scope;
    private IUnitOfWork? _work;
    private List<CheckpointUpdate>? _updates;
    private ExecutionContext? _context;
    private long _appliedTimestamp;

    public List<(ConsumerState Consumer, IncomingRecord Record)> Unit { get; } = unit;

    /// <summary>How many of the unit's records (from the first) this commit is about; the rest were put back already.</summary>
    public int Taken { get; } = taken;

    public List<(ConsumerState Consumer, IncomingRecord Record, RecordOutcome Outcome)> Handled { get; } = handled;

    public List<DeadLetter> DeadLetters { get; } = deadLetters;

    public bool Batch { get; } = batch;

    /// <summary>Thrown once the commit is settled (the stop policy): the records before the failing one are kept.</summary>
    public Exception? StopWith { get; init; }

    /// <summary>The last handled record of each partition: its checkpoint is written.</summary>
    public Dictionary<PartitionKey, (ConsumerState Consumer, IncomingRecord Record)> Last { get; } = [];

    public long StartedTimestamp { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Takes over the unit's scope and transaction and works out its checkpoints; commits now unless
    /// <paramref name="deferred"/>, in which case the caller commits with <see cref="Run"/>.
    /// </summary>
    public void Start(AsyncServiceScope scope, IUnitOfWork work, long startedTimestamp, bool deferred)
    {
        _scope = scope;
        _work = work;
        StartedTimestamp = startedTimestamp;
        for (var i = 0; i < Handled.Count; i++)
        {
            // Records come in runs of one partition: only the last of a run is kept (one lookup per run, not per record).
            var h = Handled[i];
            if (i + 1 < Handled.Count && Handled[i + 1].Record.Partition == h.Record.Partition) continue;
            Last[h.Record.Partition] = (h.Consumer, h.Record);
        }

        _updates = Last.Values.Select(h => new CheckpointUpdate(h.Record.Partition, h.Record.NextCheckpoint)).ToList();
        _appliedTimestamp = Stopwatch.GetTimestamp();

        // A deferred commit keeps the execution context of the unit's IUnitOfWork.RunAsync, where it was applied: EF
        // Core's retrying strategy lets the commit through by that.
        if (deferred) _context = ExecutionContext.Capture();
        else Run();
    }

    /// <summary>
    /// Runs the commit on the calling thread up to its first wait (providers such as SQLite complete "async" calls
    /// inline, so there the whole commit); <see cref="Completion"/> ends with it. Once applying is done, the commit runs
    /// to its end even during shutdown: a half-done commit helps nobody.
    /// </summary>
    public void Run()
    {
        if (_updates is null) throw new InvalidOperationException("The unit's commit was not started, or was run already.");
        if (_context is { } context)
        {
            _context = null;
            ExecutionContext.Run(context, static state => ((UnitCommit)state!).Commit(), this);
        }
        else
        {
            Commit();
        }
    }

    private void Commit()
    {
        var updates = _updates!;
        _updates = null;
        Completion = TimedAsync(CommitInline(_work!, updates), _appliedTimestamp);
    }

    /// <summary>
    /// How long the commit took, from the end of applying to the end of the transaction's commit (checkpoint writes
    /// included); set once <see cref="Completion"/> succeeded.
    /// </summary>
    public TimeSpan CommitDuration { get; private set; }

    /// <summary>Released by <see cref="CommitSettler"/> once the commit's outcome is known to the sources.</summary>
    public UnitInFlight? InFlight { get; set; }

    public async ValueTask DisposeAsync()
    {
        InFlight?.Release();
        if (_work is not null) await _work.DisposeAsync().ConfigureAwait(false);
        await _scope.DisposeAsync().ConfigureAwait(false);
    }

    private async Task TimedAsync(Task commit, long started)
    {
        await commit.ConfigureAwait(false);
        CommitDuration = Stopwatch.GetElapsedTime(started);
    }

    private static Task CommitInline(IUnitOfWork work, IReadOnlyList<CheckpointUpdate> updates)
    {
        try
        {
            return work.CommitAsync(updates, CancellationToken.None);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }
}
