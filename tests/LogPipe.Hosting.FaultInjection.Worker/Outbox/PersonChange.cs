using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>
/// One committed change of a person, kept by the writing service in the same transaction as the change and its outbox
/// entry: the list of what must be on the log, and nothing else. <see cref="ChangeId"/> is new for every attempt, so a
/// change whose transaction rolled back (or was killed) can be told apart from the one that committed the same version.
/// </summary>
// Not unique: two writers of one person may both insert the same version before the loser's concurrency check on the
// person rolls its transaction back, and a unique index would make them deadlock on each other instead.
[Index(nameof(Uuid), nameof(Version))]
public sealed class PersonChange
{
    public long Id { get; set; }

    public Guid Uuid { get; set; }

    public int Version { get; set; }

    public Guid ChangeId { get; set; }
}
