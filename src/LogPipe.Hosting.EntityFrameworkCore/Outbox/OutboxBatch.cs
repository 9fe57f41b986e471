namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>Entries the relay sends together, in id order, and the highest id it read for them (set-aside ones included).</summary>
/// <param name="Rows">The entries waiting to be sent.</param>
/// <param name="Last">The cursor for the next read.</param>
internal sealed record OutboxBatch(List<LogPipeOutboxEntry> Rows, long Last);
