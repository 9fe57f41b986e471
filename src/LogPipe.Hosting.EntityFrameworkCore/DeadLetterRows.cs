using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Changes to the dead-letter table shared by the service's <see cref="DeadLetterStore{TDbContext}"/> and the operator tools.</summary>
internal static class DeadLetterRows
{
    /// <summary>How many ids go into one statement: well below every provider's parameter limit.</summary>
    private const int IdsPerStatement = 500;

    /// <summary>Deletes the dead letters with <paramref name="ids"/>.</summary>
    /// <returns>How many were deleted.</returns>
    public static async Task<int> DeleteAsync(DbContext db, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var chunk in ids.Chunk(IdsPerStatement))
        {
            deleted += await db.Set<LogPipeDeadLetter>().Where(d => chunk.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>Marks the dead letters with <paramref name="ids"/> for replay by the running service, as of <paramref name="now"/>.</summary>
    public static async Task RequestReplayAsync(DbContext db, IEnumerable<long> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(IdsPerStatement))
        {
            await db.Set<LogPipeDeadLetter>().Where(d => chunk.Contains(d.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ReplayRequestedAt, now), cancellationToken).ConfigureAwait(false);
        }
    }
}
