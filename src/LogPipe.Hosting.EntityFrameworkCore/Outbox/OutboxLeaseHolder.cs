using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// One relay's hold on the outbox lease: takes it, and renews it only once a third of it has run, not before every batch.
/// A lease renewed less than a third of its duration ago still runs for two thirds of it, so no other instance can take it
/// meanwhile; the statement saved is a write, which on SQLite would take the one write lock from the writers each time.
/// </summary>
internal sealed class OutboxLeaseHolder(string owner, TimeSpan duration, TimeProvider time)
{
    private string? _source;
    private long _renewedAt;

    /// <summary>Whether this instance holds the lease (as of its last try).</summary>
    public bool Held => _source is not null;

    /// <summary>Takes or renews the lease when due; the outbox source id while held, else <see langword="null"/>.</summary>
    public async Task<string?> TakeAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (_source is not null && time.GetElapsedTime(_renewedAt) < duration / 3) return _source;

        // Counted from before the statement: the expiry it writes is later than this instance will assume.
        var started = time.GetTimestamp();
        _source = await OutboxLease.TryTakeAsync(db, owner, time.GetUtcNow(), duration, cancellationToken).ConfigureAwait(false);
        _renewedAt = started;
        return _source;
    }

    /// <summary>The lease was released (on a clean stop): the next <see cref="TakeAsync"/> asks the database again.</summary>
    public void Released() => _source = null;
}
