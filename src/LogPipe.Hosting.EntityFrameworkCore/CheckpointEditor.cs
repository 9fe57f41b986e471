using LogPipe.Hosting.Hosting;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Lists and moves the checkpoints kept in <typeparamref name="TDbContext"/> — the operator's rewind or skip. Moving a
/// checkpoint advances its version, so a running consumer's next write to it is fenced and that consumer rewinds to the
/// new position.
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

    /// <summary>Sets a partition's checkpoint (creating it if needed) and advances its version.</summary>
    /// <param name="partition">The partition or shard.</param>
    /// <param name="checkpoint">The new position.</param>
    /// <param name="consumerGroup">The group; <see langword="null"/> for the service's own.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The checkpoint as stored.</returns>
    public async Task<LogPipeCheckpoint> SetAsync(PartitionKey partition, Checkpoint checkpoint, string? consumerGroup = null, CancellationToken cancellationToken = default)
    {
        var group = consumerGroup ?? _consumerGroup;
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var row = await db.Set<LogPipeCheckpoint>().FirstOrDefaultAsync(
            c => c.ConsumerGroup == group && c.Transport == partition.Transport && c.Stream == partition.Stream && c.Partition == partition.Partition,
            cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            row = new LogPipeCheckpoint { ConsumerGroup = group, Transport = partition.Transport, Stream = partition.Stream, Partition = partition.Partition };
            db.Add(row);
        }

        row.NextOffset = checkpoint.NextOffset;
        row.SequenceNumber = checkpoint.SequenceNumber;
        row.Version++;
        row.UpdatedAt = _time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return row;
    }
}
