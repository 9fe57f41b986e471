using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Checkpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Lists and moves the checkpoints kept in <typeparamref name="TDbContext"/> — the operator's rewind or skip. Moving a
/// checkpoint advances its version, so a running consumer's next write to it is fenced and that consumer rewinds to the
/// new position. The move itself is conditional on the version read: a consumer commit landing first is reported as a
/// <see cref="CheckpointConflictException"/>, so neither side silently overwrites the other.
/// </summary>
/// <typeparam name="TDbContext">The application's DbContext.</typeparam>
public sealed class CheckpointEditor<TDbContext>
    where TDbContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly string _consumerGroup;

    /// <summary>Creates the editor.</summary>
    /// <param name="scopes">Creates a scope per operation.</param>
    /// <param name="options">LogPipe's options (for the consumer group).</param>
    /// <param name="time">The clock.</param>
    public CheckpointEditor(IServiceScopeFactory scopes, IOptions<LogPipeOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _time = time;
        _consumerGroup = ConsumerGroupName.Resolve(options.Value);
    }

    /// <summary>The stored checkpoints of a consumer group, by stream and partition.</summary>
    /// <param name="consumerGroup">The group; <see langword="null"/> for the service's own.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The checkpoints.</returns>
    public async Task<IReadOnlyList<LogPipeCheckpoint>> ListAsync(string? consumerGroup = null, CancellationToken cancellationToken = default)
    {
        var group = consumerGroup ?? _consumerGroup;
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        var rows = await scope.ServiceProvider.GetRequiredService<TDbContext>().Set<LogPipeCheckpoint>().AsNoTracking()
            .Where(c => c.ConsumerGroup == group)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(c => c.Transport, StringComparer.Ordinal).ThenBy(c => c.Stream, StringComparer.Ordinal)
            .ThenBy(c => c.Partition.Length).ThenBy(c => c.Partition, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Sets a partition's checkpoint (creating it if needed) and advances its version, conditional on the version it reads
    /// first: a consumer commit (or another operator) landing between that read and the write is reported, never
    /// overwritten.
    /// </summary>
    /// <param name="partition">The partition or shard.</param>
    /// <param name="checkpoint">The new position.</param>
    /// <param name="consumerGroup">The group; <see langword="null"/> for the service's own.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The checkpoint as stored.</returns>
    /// <exception cref="CheckpointConflictException">The checkpoint moved (or appeared, or went away) after it was read; nothing was written.</exception>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Both overloads shipped in 0.1.0; the expected version is what tells them apart.")]
    public async Task<LogPipeCheckpoint> SetAsync(PartitionKey partition, Checkpoint checkpoint, string? consumerGroup = null, CancellationToken cancellationToken = default)
    {
        var group = consumerGroup ?? _consumerGroup;
        var current = await FindAsync(group, partition, cancellationToken).ConfigureAwait(false);
        return await SetAsync(partition, checkpoint, current?.Version ?? 0, group, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets a partition's checkpoint only if its stored version is still <paramref name="expectedVersion"/> — the version
    /// the caller showed the operator or based its decision on — and advances the version. One conditional statement:
    /// an <c>UPDATE … WHERE Version = expected</c>, or, when no checkpoint was expected, an <c>INSERT</c> that the key
    /// refuses if a row appeared meanwhile.
    /// </summary>
    /// <param name="partition">The partition or shard.</param>
    /// <param name="checkpoint">The new position.</param>
    /// <param name="expectedVersion">The version the stored checkpoint must have; 0 when there must be none yet.</param>
    /// <param name="consumerGroup">The group; <see langword="null"/> for the service's own.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The checkpoint as stored.</returns>
    /// <exception cref="CheckpointConflictException">The stored checkpoint is not at <paramref name="expectedVersion"/>; nothing was written.</exception>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Both overloads shipped in 0.1.0; the expected version is what tells them apart.")]
    public async Task<LogPipeCheckpoint> SetAsync(
        PartitionKey partition, Checkpoint checkpoint, long expectedVersion, string? consumerGroup = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var group = consumerGroup ?? _consumerGroup;
        var row = new LogPipeCheckpoint
        {
            ConsumerGroup = group,
            Transport = partition.Transport,
            Stream = partition.Stream,
            Partition = partition.Partition,
            NextOffset = checkpoint.NextOffset,
            SequenceNumber = checkpoint.SequenceNumber,
            Version = expectedVersion + 1,
            UpdatedAt = _time.GetUtcNow(),
        };

        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        if (expectedVersion == 0)
        {
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return row;
            }
            catch (DbUpdateException ex)
            {
                // A key clash means a row appeared since the caller looked; any other failure is the database's own.
                var appeared = await FindAsync(group, partition, cancellationToken).ConfigureAwait(false);
                if (appeared is null) throw;
                if (IsThisWrite(appeared, row)) return row;
                throw Conflict(group, partition, expectedVersion, appeared, ex);
            }
        }

        var changed = await db.Set<LogPipeCheckpoint>()
            .Where(c => c.ConsumerGroup == group && c.Transport == partition.Transport && c.Stream == partition.Stream
                && c.Partition == partition.Partition && c.Version == expectedVersion)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.NextOffset, row.NextOffset)
                    .SetProperty(c => c.SequenceNumber, row.SequenceNumber)
                    .SetProperty(c => c.Version, row.Version)
                    .SetProperty(c => c.UpdatedAt, row.UpdatedAt),
                cancellationToken)
            .ConfigureAwait(false);
        if (changed == 1) return row;
        var found = await FindAsync(group, partition, cancellationToken).ConfigureAwait(false);
        if (found is not null && IsThisWrite(found, row)) return row;
        throw Conflict(group, partition, expectedVersion, found, null);
    }

    /// <summary>
    /// Whether the stored checkpoint is the one this call wrote. A retrying execution strategy (<c>EnableRetryOnFailure()</c>)
    /// runs a statement again when the connection drops before its answer arrives; if the first run had landed, the second
    /// finds its own write (the same position and version) and must not report it as someone else's.
    /// </summary>
    private static bool IsThisWrite(LogPipeCheckpoint stored, LogPipeCheckpoint written) =>
        stored.Version == written.Version && stored.NextOffset == written.NextOffset && stored.SequenceNumber == written.SequenceNumber;

    private async Task<LogPipeCheckpoint?> FindAsync(string group, PartitionKey partition, CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        return await scope.ServiceProvider.GetRequiredService<TDbContext>().Set<LogPipeCheckpoint>().AsNoTracking().FirstOrDefaultAsync(
            c => c.ConsumerGroup == group && c.Transport == partition.Transport && c.Stream == partition.Stream && c.Partition == partition.Partition,
            cancellationToken).ConfigureAwait(false);
    }

    private static CheckpointConflictException Conflict(string group, PartitionKey partition, long expected, LogPipeCheckpoint? found, Exception? inner)
    {
        var was = expected == 0 ? "no checkpoint" : $"version {expected}";
        var now = found is null ? "none (it was deleted)" : $"version {found.Version}";
        var message = $"The checkpoint of {partition} for consumer group '{group}' changed while it was being set: expected {was}, found {now}. "
            + "A consumer committed or someone else moved it; nothing was written.";
        return inner is null ? new CheckpointConflictException(message) : new CheckpointConflictException(message, inner);
    }
}
