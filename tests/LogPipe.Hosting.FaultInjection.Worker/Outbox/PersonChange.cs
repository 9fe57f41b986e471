using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>
/// One committed change of a person, kept by the writing service in the same transaction as the change and its outbox
/// entry: the list of what must be on the log, and nothing else. <see cref="ChangeId"/> is new for every attempt, so a
/// change whose transaction rolled back (or was killed) can be told apart from the one that committed the same version.
/// </summary>
[Index(nameof(Uuid), nameof(Version), IsUnique = true)]
public sealed class PersonChange
{
    public long Id { get; set; }

    public Guid Uuid { get; set; }

    public int Version { get; set; }

    public Guid ChangeId { get; set; }
}
