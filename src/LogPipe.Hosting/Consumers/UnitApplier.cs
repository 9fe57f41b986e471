using System.Diagnostics;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Applies a unit in its own scope and transaction, on the batched path when every serializer allows it and the last
/// unit did not fail there, record by record otherwise, and starts its commit.
/// </summary>
internal sealed class UnitApplier
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ICheckpointStore _checkpoints;
    private readonly CommitOrderedCheckpoints _commitOrderedReads;
    private readonly ConsumerInstrumentation _instrumentation;
    private readonly UnitAbandoner _abandoner;
    private readonly PerRecordApplier _perRecord;
    private readonly BatchApplier _batch;
    private readonly ILogger _logger;

    public UnitApplier(
        IServiceScopeFactory scopes,
        ICheckpointStore checkpoints,
        CommitOrderedCheckpoints commitOrderedReads,
        ConsumerInstrumentation instrumentation,
        UnitAbandoner abandoner,
        PerRecordApplier perRecord,
        BatchApplier batch,
        ILogger logger)
    {
        _scopes = scopes;
        _checkpoints = checkpoints;
        _commitOrderedReads = commitOrderedReads;
        _instrumentation = instrumentation;
        _abandoner = abandoner;
        _perRecord = perRecord;
        _batch = batch;
        _logger = logger;
    }

    /// <summary>
    /// Applies <paramref name="unit"/> and commits it, or with <paramref name="deferCommit"/> leaves the commit for the
    /// caller to run (<see cref="UnitCommit.Run"/>); <see cref="CommitSettler.FinishAsync"/> settles it. Returns
    /// <see langword="null"/> when there is nothing to commit (the unit was abandoned or put back, or none of its records
    /// is current any more); its scope and unit of work are then disposed already. <paramref name="gatheredInEpoch"/> is
    /// <see cref="CommitOrderedCheckpoints.RevocationEpoch"/> as read before the unit was gathered.
    /// </summary>
    public async Task<UnitCommit?> ApplyAsync(List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, long gatheredInEpoch, bool deferCommit, CancellationToken cancellationToken)
    {
        // From here until the unit is settled, sources' checkpoint reads wait for it (see CommitOrderedCheckpoints).
        var inFlight = _commitOrderedReads.UnitStarted(gatheredInEpoch);
        var scope = _scopes.CreateAsyncScope();
        IUnitOfWork? work = null;
        UnitCommit? commit = null;
        try
        {
            try
            {
                work = await _checkpoints.BeginAsync(scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _abandoner.Abandon(unit, 0, ex);
                return null;
            }

            // The store may need the unit's work to run in a context of its own (the DbContext's execution strategy);
            // a failure to begin the transaction there abandons the unit like one in BeginAsync.
            var begun = false;
            try
            {
                await work.RunAsync(
                    async ct =>
                    {
                        begun = true;
                        commit = await ApplyBegunAsync(work, scope, unit, prepared, deferCommit, ct).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!begun && ex is not OperationCanceledException)
            {
                _abandoner.Abandon(unit, 0, ex);
                return null;
            }

            return commit;
        }
        finally
        {
            // Nothing to commit: a read no longer has anything to wait for. A commit releases the unit when it is settled.
            if (commit is null) inFlight.Release();
            else commit.InFlight = inFlight;
            if (commit is null && _abandoner.TakeLeftToHungSave() is { } hungSave)
            {
                DisposeUnderHungSave(hungSave, work, scope);
            }
            else if (commit is null)
            {
                if (work is not null) await work.DisposeAsync().ConfigureAwait(false);
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The unit's work inside its transaction: outbox identities read, records applied, commit started or prepared.</summary>
    private async Task<UnitCommit?> ApplyBegunAsync(
        IUnitOfWork work, AsyncServiceScope scope, List<(ConsumerState Consumer, IncomingRecord Record)> unit, PreparedRecord[] prepared, bool deferCommit, CancellationToken cancellationToken)
    {
        OutboxCopies copies;
        try
        {
            // Which outbox records of the unit were applied already: one read, in the unit's transaction.
            copies = await OutboxCopies.FindAsync(work, unit, _logger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _abandoner.Abandon(unit, 0, ex);
            return null;
        }

        _instrumentation.Gathered(unit);
        var startedTimestamp = Stopwatch.GetTimestamp();
        var perRecord = _abandoner.TakePerRecordNext();
        var commit = !perRecord && work.SupportsBatchedSaves && BatchApplier.CanBatch(unit, prepared, scope.ServiceProvider)
            ? await _batch.ApplyAsync(work, unit, prepared, copies, scope.ServiceProvider, cancellationToken).ConfigureAwait(false)
            : await _perRecord.ApplyAsync(work, unit, prepared, copies, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
        if (commit is not null && copies.Handled.Count > 0) work.RecordApplied([.. copies.Handled]);
        commit?.Start(scope, work, startedTimestamp, deferCommit);
        return commit;
    }

    /// <summary>
    /// Rolls back and disposes a unit of work whose save ignored its timeout, off the loop, once that save returned: rolled
    /// back under a running save, the save's own flush would run outside any transaction and commit its effects without
    /// the checkpoint (applied again after a restart). Until then the unit's transaction stays open; the loop goes on in
    /// other scopes.
    /// </summary>
    private void DisposeUnderHungSave(Task hungSave, IUnitOfWork? work, AsyncServiceScope scope) =>
        _ = Task.Run(async () =>
        {
            try
            {
                try
                {
                    await hungSave.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Observed by the save deadline already; only its end matters here.
                }

                if (work is not null) await work.DisposeAsync().ConfigureAwait(false);
                await scope.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ConsumerLog.HungUnitDisposeFailed(_logger, ex);
            }
        });
}
