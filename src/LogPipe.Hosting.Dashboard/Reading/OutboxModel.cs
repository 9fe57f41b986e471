using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>What the outbox page shows.</summary>
/// <param name="Statistics">Backlog, set-aside count, oldest waiting entry and relay lease; <see langword="null"/> when unreadable.</param>
/// <param name="SetAside">The entries set aside (oldest first), with their reasons.</param>
/// <param name="Waiting">The oldest entries waiting to be sent.</param>
/// <param name="Unreadable">Why the outbox could not be read, if it could not.</param>
internal sealed record OutboxModel(OutboxStatistics? Statistics, IReadOnlyList<LogPipeOutboxEntry> SetAside, IReadOnlyList<LogPipeOutboxEntry> Waiting, string? Unreadable)
{
    /// <summary>How many entries each list shows at most.</summary>
    public const int Shown = 50;
}
