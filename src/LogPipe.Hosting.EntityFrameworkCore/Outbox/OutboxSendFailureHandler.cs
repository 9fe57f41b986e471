using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// What the relay does with a batch the transport did not store whole: deletes the stored entries, counts the failure on
/// the others and retries them later, or, when the broker refused for good, sends them one by one and sets aside only the
/// ones it refuses.
/// </summary>
internal sealed class OutboxSendFailureHandler<TDbContext>(OutboxRelay<TDbContext> relay, TimeProvider time, ILogger logger)
    where TDbContext : DbContext
{
    /// <summary>Handles <paramref name="failure"/> of <paramref name="rows"/>; throws <see cref="OutboxSendFailure"/> when it was transient.</summary>
    public async Task HandleAsync(TDbContext db, IRecordSender sender, List<LogPipeOutboxEntry> rows, RecordSendException failure, byte[] sourceHeader, CancellationToken cancellationToken)
    {
        var sent = rows.Where((_, i) => i < failure.Positions.Count && failure.Positions[i] is not null).ToList();
        var failed = rows.Where((_, i) => i >= failure.Positions.Count || failure.Positions[i] is null).ToList();
        await relay.DeleteAsync(db, sent).ConfigureAwait(false);
        if (!OutboxSendErrors.IsPermanent(failure))
        {
            await OutboxRelayStore.CountFailureAsync(db, failed, failure.Message, cancellationToken).ConfigureAwait(false);
            throw new OutboxSendFailure(failed.Count, rows.Count, failure);
        }

        // Refused for good, but the error names only the first failure: send the failed ones one by one, so only the
        // entries the broker refuses are set aside and the others go on.
        foreach (var row in failed)
        {
            await SendAloneAsync(db, sender, row, sourceHeader, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAloneAsync(TDbContext db, IRecordSender sender, LogPipeOutboxEntry row, byte[] sourceHeader, CancellationToken cancellationToken)
    {
        try
        {
            var record = OutboxRelay<TDbContext>.ToRecord(row, sourceHeader);
            await relay.RenewWhileAsync(sender.SendBatchAsync([record], cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
            await relay.DeleteAsync(db, [row]).ConfigureAwait(false);
        }
        catch (Exception ex) when (OutboxSendErrors.IsPermanent(ex))
        {
            await SetAsideAsync(db, row, ex, cancellationToken).ConfigureAwait(false);
        }
        catch (RecordSendException ex)
        {
            await OutboxRelayStore.CountFailureAsync(db, [row], ex.Message, cancellationToken).ConfigureAwait(false);
            throw new OutboxSendFailure(1, 1, ex);
        }
    }

    private async Task SetAsideAsync(TDbContext db, LogPipeOutboxEntry row, Exception reason, CancellationToken cancellationToken)
    {
        var error = OutboxRelayStore.Truncate(reason is RecordSendException send ? $"{send.ErrorCode}: {send.Message}" : $"{reason.GetType().Name}: {reason.Message}");
        await OutboxRelayStore.SetAsideAsync(db, row.Id, time.GetUtcNow(), error, cancellationToken).ConfigureAwait(false);
        OutboxLog.SetAside(logger, row.Id, row.Topic, row.Key, row.MessageType, row.Version, error);
    }
}
