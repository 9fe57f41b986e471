using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>
/// A person in the writing service's own database: its uuid and how many changes to it have committed. Every change
/// bumps <see cref="Version"/> by one, so the versions of one person on the log must arrive 1, 2, 3… in commit order.
/// </summary>
[Index(nameof(Uuid), IsUnique = true)]
public sealed class WrittenPerson
{
    public long Id { get; set; }

    public Guid Uuid { get; set; }

    /// <summary>The number of committed changes; a concurrency token, so two writers cannot both make the same version.</summary>
    [ConcurrencyCheck]
    public int Version { get; set; }
}
