namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>The write gate of one SQLite database: its lock, and the turn a save takes before it waits for the lock.</summary>
/// <param name="Gate">Held by the write in progress (a save's transaction, or one relay statement).</param>
/// <param name="Saves">Held by the save that holds or waits for <paramref name="Gate"/>: the other saves wait here.</param>
internal sealed record SqliteWriteGateLanes(SemaphoreSlim Gate, SemaphoreSlim Saves);
