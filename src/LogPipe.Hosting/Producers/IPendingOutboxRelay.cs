namespace LogPipe.Hosting;

/// <summary>
/// Publishes the outbox entries committed so far, now, instead of at the relay's next cycle: what the test harness's
/// <c>DrainAsync</c> calls first, so records sent through the outbox are on the log before the consumers catch up.
/// Registered by an outbox store (the EF Core outbox).
/// </summary>
internal interface IPendingOutboxRelay
{
    /// <summary>Sends every committed, unsent entry; returns once they are acknowledged.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when another instance holds the outbox's lease, so nothing was sent here.</returns>
    Task<bool> RelayPendingAsync(CancellationToken cancellationToken);
}
