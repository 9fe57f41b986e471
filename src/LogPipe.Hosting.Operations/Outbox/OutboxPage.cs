using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>Outbox entries in commit order, and how many match in all.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="Total">How many match, ignoring the limit.</param>
public sealed record OutboxPage(IReadOnlyList<LogPipeOutboxEntry> Entries, long Total);
