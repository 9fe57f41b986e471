using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// Faults the worker's saves carry: every save waits <see cref="WorkerArguments.SaveDelay"/> first (honouring
/// cancellation, as a slow serializer would), so that units of work last long enough to be interrupted; and a person
/// whose last name is <see cref="UnsavableLastName"/> can never be saved — a poison record whose save always throws.
/// </summary>
public sealed class FaultySaves(TimeSpan delay) : SaveChangesInterceptor
{
    /// <summary>The last name that makes a person's save throw every time.</summary>
    public const string UnsavableLastName = "always-fails-to-save";

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        ThrowIfUnsavable(eventData.Context);
        return result;
    }

    /// <inheritdoc />
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        ThrowIfUnsavable(eventData.Context);
        return result;
    }

    private static void ThrowIfUnsavable(DbContext? context)
    {
        var poison = context?.ChangeTracker.Entries<Person>()
            .FirstOrDefault(e => e.State is EntityState.Added or EntityState.Modified && e.Entity.LastName == UnsavableLastName);
        if (poison is not null) throw new InvalidOperationException($"simulated save failure for {poison.Entity.Uuid}: this person can never be saved");
    }
}
